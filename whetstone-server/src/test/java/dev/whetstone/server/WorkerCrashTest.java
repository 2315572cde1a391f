package dev.whetstone.server;

import static dev.whetstone.server.JobClient.V;
import static dev.whetstone.server.JobClient.chatLines;
import static dev.whetstone.server.JobClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.testing.FakeTrainer;
import dev.whetstone.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out takeover: replica A's worker dies mid-job and stops heartbeating; once its lease has expired on the
 * (manual) clock, replica B's worker resumes the job from its resume state and finishes it. Read through A's API,
 * results.csv and the metrics events hold every step exactly once.
 */
class WorkerCrashTest {
    @TempDir Path dir;
    final ManualClock clock = new ManualClock();
    TestServer a;
    TestServer b;

    @AfterEach
    void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    @Test
    void aCrashedWorkersJobIsFinishedByAnotherReplicaAfterLeaseExpiry() throws Exception {
        FakeTrainer trainerA = new FakeTrainer().crashAfterStep(7);
        a = TestServer.withJobs(dir, trainerA, 1, clock, 20);
        JobClient client = new JobClient(a);
        String training = client.upload("training_set.jsonl", chatLines(10));
        String id = client.createOk("{\"model\":\"gpt-35-turbo-0613\",\"training_file\":\"" + training
                + "\",\"hyperparameters\":{\"n_epochs\":2,\"batch_size\":2}}");
        assertThat(trainerA.awaitCrash(Duration.ofSeconds(20))).isTrue();

        JsonNode orphaned = client.job(id);
        assertThat(orphaned.get("status").asText()).isEqualTo("running");
        assertThat(a.stores.events().metrics(id)).hasSize(7);

        FakeTrainer trainerB = new FakeTrainer();
        b = TestServer.replicaOf(a, dir, trainerB, 1, clock);
        Thread.sleep(200); // B's worker polls every 20 ms: the lease is still valid, so it must leave the job alone
        assertThat(trainerB.specs()).isEmpty();
        clock.advance(TestServer.WORKER_SETTINGS.lease());

        JsonNode done = client.awaitStatus(id, "succeeded");
        assertThat(trainerB.specs()).hasSize(1);
        String csv = a.get("/openai/files/" + done.get("result_files").get(0).asText() + "/content?" + V).body();
        List<String> steps = csv.lines().skip(1).map(l -> l.substring(0, l.indexOf(','))).toList();
        assertThat(steps).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");

        List<Integer> reported = new ArrayList<>();
        for (JsonNode e : json(a.get("/openai/fine_tuning/jobs/" + id + "/events?limit=100&" + V)).get("data")) {
            if (e.get("type").asText().equals("metrics")) reported.add(e.get("data").get("step").asInt());
        }
        assertThat(reported).containsExactly(10, 8, 6, 4, 2);
        JsonNode checkpoints = json(a.get("/openai/fine_tuning/jobs/" + id + "/checkpoints?" + V)).get("data");
        assertThat(checkpoints).hasSize(2);
        assertThat(checkpoints.get(0).get("fine_tuned_model_checkpoint").asText()).isEqualTo(done.get("fine_tuned_model").asText());
    }
}
