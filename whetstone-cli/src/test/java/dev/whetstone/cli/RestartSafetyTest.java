package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart safety (issue "Fine-tuning jobs", item 6) with real processes: a {@code whetstone serve} JVM is killed with
 * SIGKILL mid-job; a new one on the same data folder takes the job over once the dead one's lease has expired and
 * finishes it. Every step is in results.csv exactly once, no event shows twice, and results.csv equals the one of an
 * uninterrupted run of the same job (same seed, data and hyperparameters) in a fresh data folder.
 */
class RestartSafetyTest {
    static final Duration LEASE = Duration.ofSeconds(3);
    static final int EPOCHS = 12;
    static final int EXAMPLES = 10;
    static final int STEPS = EPOCHS * EXAMPLES; // batch size 1

    @TempDir Path root;

    @Test
    void aKilledServiceResumesTheJobAndResultsMatchAnUninterruptedRun() throws Exception {
        try (ChildService reference = ChildService.serve(dataDir("uninterrupted"), LEASE);
             ChildService first = ChildService.serve(dataDir("interrupted"), LEASE)) {
            String referenceJob = createJob(reference.client());
            String job = createJob(first.client());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> steps(first.client(), job).size() >= 20); // the step-10 resume point exists by now
            int reportedBeforeKill = steps(first.client(), job).size();
            first.kill();

            try (ChildService second = ChildService.serve(dataDir("interrupted"), LEASE)) {
                ServiceClient c = second.client();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> isFinal(c.jobStatus(job)));
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> isFinal(reference.client().jobStatus(referenceJob)));
                assertThat(c.jobStatus(job)).as(second.logText()).isEqualTo("succeeded");
                assertThat(reference.client().jobStatus(referenceJob)).isEqualTo("succeeded");

                List<String> messages = c.events(job).stream().map(e -> e.get("message").asText()).toList();
                assertThat(messages).as("events after the restart").doesNotHaveDuplicates()
                        .anyMatch(m -> m.startsWith("Job continues on worker"))
                        .anyMatch(m -> m.startsWith("Training continues at step")); // resumed, not started over
                List<Integer> steps = steps(c, job);
                assertThat(steps).isEqualTo(IntStream.rangeClosed(1, STEPS).boxed().toList());
                assertThat(resultsCsv(c, job)).isEqualTo(resultsCsv(reference.client(), referenceJob));
                System.out.println("killed with " + reportedBeforeKill + " of " + STEPS + " steps in results.csv");
            }
        }
    }

    private Path dataDir(String name) { return root.resolve(name); }

    private static boolean isFinal(String status) {
        return status.equals("succeeded") || status.equals("failed") || status.equals("cancelled");
    }

    private static String createJob(ServiceClient c) throws Exception {
        String file = c.upload(ServiceClient.chatLines(EXAMPLES));
        await().atMost(Duration.ofSeconds(30)).until(() -> c.fileStatus(file).equals("processed"));
        return c.json("POST", "/openai/fine_tuning/jobs", "{\"model\":\"tiny-chat\",\"training_file\":\"" + file
                + "\",\"seed\":42,\"hyperparameters\":{\"n_epochs\":" + EPOCHS + ",\"batch_size\":1}}").get("id").asText();
    }

    private static String resultsCsv(ServiceClient c, String job) throws Exception {
        JsonNode files = c.get("/openai/fine_tuning/jobs/" + job).get("result_files");
        if (files.isEmpty()) return "";
        return c.text("/openai/files/" + files.get(0).asText() + "/content");
    }

    /** The step column of the job's results.csv, in file order. */
    private static List<Integer> steps(ServiceClient c, String job) throws Exception {
        return resultsCsv(c, job).lines().skip(1).filter(l -> !l.isBlank())
                .map(l -> Integer.parseInt(l.substring(0, l.indexOf(',')))).toList();
    }
}
