package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out with processes: an API-only {@code serve --workers 0} and a {@code whetstone worker} on the same data
 * folder. SIGTERM drains the worker, handing its job back to the queue at once; a second worker finishes it to the
 * results.csv of an uninterrupted twin. The worker's ops listener and {@code whetstone status} are checked on the way.
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

            try (ChildService worker = ChildService.workerWithMetrics(data, Duration.ofSeconds(3))) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> reportedSteps(c, job) >= 10);
                assertWorkerProbesAndStatus(worker, data, job);
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
            String csv = results(c, job);
            assertThat(csv.lines().skip(1).map(l -> Integer.parseInt(l.substring(0, l.indexOf(',')))).toList())
                    .isEqualTo(IntStream.rangeClosed(1, STEPS).boxed().toList());

            // An uninterrupted twin (same seed, data and hyperparameters) writes the same results.csv.
            String twin = c.json("POST", "/openai/fine_tuning/jobs", "{\"model\":\"tiny-chat\",\"training_file\":\"" + file
                    + "\",\"seed\":3,\"hyperparameters\":{\"n_epochs\":4,\"batch_size\":1}}").get("id").asText();
            try (ChildService third = ChildService.worker(data, Duration.ofSeconds(3))) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> List.of("succeeded", "failed", "cancelled").contains(c.jobStatus(twin)));
                assertThat(c.jobStatus(twin)).as(third.logText()).isEqualTo("succeeded");
            }
            assertThat(results(c, twin)).isEqualTo(csv);
        }
    }

    private static String results(ServiceClient c, String job) throws Exception {
        return c.text("/openai/files/" + c.get("/openai/fine_tuning/jobs/" + job).get("result_files").get(0).asText() + "/content");
    }

    /**
     * While the worker trains: its listener answers the probes and counts steps without credentials, and
     * {@code whetstone status} lists both processes and the job's lease held by the worker process.
     */
    private static void assertWorkerProbesAndStatus(ChildService worker, Path data, String job) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(worker.endpoint() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        JsonNode checks = new ObjectMapper().readTree(ready.body()).get("checks");
        assertThat(checks.fieldNames()).toIterable().containsExactly("database", "blob_store", "accepting");
        String metrics = http.send(HttpRequest.newBuilder(URI.create(worker.endpoint() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("whetstone_training_steps_total [1-9]");
        assertThat(metrics).contains("whetstone_jobs{state=\"running\"} 1.0");

        DeploymentsCliTest.Run run = DeploymentsCliTest.cli("status", "--data", data.toString(), "--json");
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode status = new ObjectMapper().readTree(run.out());
        List<String> kinds = new java.util.ArrayList<>();
        String workerId = null;
        for (JsonNode p : status.get("processes")) {
            kinds.add(p.get("kind").asText());
            assertThat(p.get("stale").asBoolean()).isFalse();
            if (p.get("kind").asText().equals("worker")) workerId = p.get("id").asText();
        }
        assertThat(kinds).containsExactly("serve", "worker");
        JsonNode lease = status.get("leases").get(0);
        assertThat(lease.get("job_id").asText()).isEqualTo(job);
        assertThat(lease.get("process").asText()).isEqualTo(workerId);
    }

    private static int reportedSteps(ServiceClient c, String job) throws Exception {
        return (int) c.events(job).stream().filter(e -> e.get("type").asText().equals("metrics")).count() * 10;
    }
}
