package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out with processes: an API-only {@code serve --workers 0} and a {@code whetstone worker} on the same data
 * folder. SIGTERM stops the worker cleanly, handing its job back to the queue; a second worker finishes it.
 */
class WorkerProcessTest {
    static final int STEPS = 40; // 4 epochs of 10 examples, batch size 1

    @TempDir Path root;

    @Test
    void aWorkerProcessTrainsForAnApiOnlyReplicaAndHandsItsJobBackOnSigterm() throws Exception {
        Path data = root.resolve("data");
        try (ChildService api = ChildService.serve(data, Duration.ofSeconds(3), "--workers", "0")) {
            ServiceClient c = api.client();
            String file = c.upload(ServiceClient.chatLines(10));
            await().atMost(Duration.ofSeconds(30)).until(() -> c.fileStatus(file).equals("processed"));
            String job = c.json("POST", "/openai/fine_tuning/jobs", "{\"model\":\"tiny-chat\",\"training_file\":\"" + file
                    + "\",\"seed\":3,\"hyperparameters\":{\"n_epochs\":4,\"batch_size\":1}}").get("id").asText();
            Thread.sleep(3000); // API only: nobody trains
            assertThat(c.jobStatus(job)).isEqualTo("pending");

            try (ChildService worker = ChildService.worker(data, Duration.ofSeconds(3))) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> reportedSteps(c, job) >= 10);
                worker.process().destroy(); // SIGTERM
                assertThat(worker.process().waitFor(30, TimeUnit.SECONDS)).as("worker stops within 30 s").isTrue();
                assertThat(worker.process().exitValue()).as("exit status after SIGTERM").isEqualTo(128 + 15);
            }
            // Handed back at a step boundary before the process ended: pending at once, not running until a lease expires.
            JsonNode handedBack = c.get("/openai/fine_tuning/jobs/" + job);
            assertThat(handedBack.get("status").asText()).isEqualTo("pending");
            assertThat(c.events(job)).anyMatch(e -> e.get("message").asText().contains("Step 10:"));

            try (ChildService second = ChildService.worker(data, Duration.ofSeconds(3))) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> List.of("succeeded", "failed", "cancelled").contains(c.jobStatus(job)));
                assertThat(c.jobStatus(job)).as(second.logText()).isEqualTo("succeeded");
            }
            String csv = c.text("/openai/files/" + c.get("/openai/fine_tuning/jobs/" + job).get("result_files").get(0).asText() + "/content");
            assertThat(csv.lines().skip(1).map(l -> Integer.parseInt(l.substring(0, l.indexOf(',')))).toList())
                    .isEqualTo(IntStream.rangeClosed(1, STEPS).boxed().toList());
        }
    }

    private static int reportedSteps(ServiceClient c, String job) throws Exception {
        return (int) c.events(job).stream().filter(e -> e.get("type").asText().equals("metrics")).count() * 10;
    }
}
