package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.testing.FakeTrainer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's first phase (docs/safety.md, "Data evaluation") through the API and the server's own worker wiring. */
class DataEvaluationTest {
    @TempDir Path dir;
    TestServer ts;
    JobClient jobs;
    FakeTrainer trainer = new FakeTrainer();

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.withJobs(dir, trainer, 1, Clock.systemUTC(), 20);
        jobs = new JobClient(ts);
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    static String line(String user, String assistant) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + user + "\"},{\"role\":\"assistant\",\"content\":\""
                + assistant + "\"}]}\n";
    }

    @Test
    void harmfulTrainingDataFailsTheJobWithAzuresMessageBeforeTraining() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) lines.add(line("Question " + i + "?", "Answer " + i + "."));
        lines.set(3, line("What now?", "We murder them at dawn."));
        lines.set(6, line("I feel low.", "Here is how to commit suicide."));
        lines.set(8, line("Who are they?", "They are subhuman."));
        lines.add(line("Kill the process?", "Use kill -9 on the stuck process.")); // low severity: allowed
        String file = jobs.upload("harmful.jsonl", String.join("", lines));
        String id = jobs.createOk("{\"model\": \"tiny-chat\", \"training_file\": \"" + file + "\"}");

        JsonNode job = jobs.awaitStatus(id, "failed");
        assertThat(job.at("/error/code").asText()).isEqualTo("harmful_content");
        assertThat(job.at("/error/param").asText()).isEqualTo("training_file");
        assertThat(job.at("/error/message").asText()).isEqualTo("The provided training data failed RAI checks for harm "
                + "types: [hate_fairness, self_harm, violence]. Please fix the data and try again.");
        assertThat(trainer.specs()).isEmpty();
        assertThat(job.at("/safety_evaluation/data/status").asText()).isEqualTo("failed");
        assertThat(job.at("/safety_evaluation/data/failed_categories").toString())
                .isEqualTo("[\"hate_fairness\",\"self_harm\",\"violence\"]");
        assertThat(job.at("/safety_evaluation/model").isNull()).as("never reached").isTrue();
        List<String> messages = new ArrayList<>();
        json(ts.get("/openai/fine_tuning/jobs/" + id + "/events?api-version=2024-10-21&limit=100")).get("data")
                .forEach(e -> messages.add(e.get("message").asText()));
        assertThat(messages).contains("Data evaluation started.", "Data evaluation failed: hate_fairness: 1 example, "
                + "first on line 9; self_harm: 1 example, first on line 7; violence: 1 example, first on line 4.");
        assertThat(String.join("\n", messages)).doesNotContain("murder");
    }

    @Test
    void cleanDataPassesAndTheEventsSaySo() throws Exception {
        String file = jobs.upload("clean.jsonl", JobClient.chatLines(10));
        String id = jobs.createOk("{\"model\": \"tiny-chat\", \"training_file\": \"" + file + "\"}");
        jobs.awaitStatus(id, "succeeded");
        String events = ts.get("/openai/fine_tuning/jobs/" + id + "/events?api-version=2024-10-21&limit=100").body();
        assertThat(events).contains("Data evaluation passed: 10 examples checked.");
    }
}
