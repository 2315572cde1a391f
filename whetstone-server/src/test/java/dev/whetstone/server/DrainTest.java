package dev.whetstone.server;

import static dev.whetstone.server.JobClient.V;
import static dev.whetstone.server.JobClient.chatLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.server.api.Json;
import dev.whetstone.testing.FakeTrainer;
import dev.whetstone.testing.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drain (docs/operations.md, "Drain"): a worker drained mid-job hands its job back at once (no lease expiry)
 * and another replica finishes it to the results.csv of an uninterrupted twin; a replica drained during a stream
 * finishes the stream while new inference gets 503 and readiness turns false.
 */
class DrainTest {
    @TempDir Path dir;

    private static final String JOB = "{\"model\":\"gpt-35-turbo-0613\",\"training_file\":\"%s\",\"seed\":7,"
            + "\"hyperparameters\":{\"n_epochs\":2,\"batch_size\":2}}";

    @Test
    void aDrainedWorkerHandsItsJobBackAtOnceAndAnotherFinishesItLikeAnUninterruptedTwin() throws Exception {
        ManualClock clock = new ManualClock(); // never advanced: no lease can expire in this test
        FakeTrainer trainerA = new FakeTrainer().holdBeforeStep(5);
        TestServer a = TestServer.withJobs(dir, trainerA, 1, clock, 20);
        TestServer b = null;
        try {
            JobClient client = new JobClient(a);
            String training = client.upload("training_set.jsonl", chatLines(10));
            String id = client.createOk(String.format(JOB, training));
            assertThat(trainerA.awaitHeld(Duration.ofSeconds(20))).isTrue();

            CompletableFuture<Void> closing = CompletableFuture.runAsync(a::close); // SIGTERM's path
            await().atMost(Duration.ofSeconds(10)).until(() -> a.server.ops().drain().draining());
            trainerA.release(); // step 5's boundary: the worker sees the drain, writes its resume point, hands back
            closing.get();

            FineTuningJob handedBack = a.stores.jobs().find(id).orElseThrow();
            assertThat(handedBack.status()).isEqualTo(JobStatus.PENDING);
            assertThat(handedBack.leaseOwner()).isNull();
            assertThat(a.stores.events().metrics(id)).hasSize(4);
            assertThat(a.shared.processes().list()).as("a closed replica leaves the registry").isEmpty();

            FakeTrainer trainerB = new FakeTrainer();
            b = TestServer.replicaOf(a, dir, trainerB, 1, clock);
            JobClient clientB = new JobClient(b);
            JsonNode done = clientB.awaitStatus(id, "succeeded");
            assertThat(trainerB.specs()).hasSize(1);
            assertThat(messages(b, id)).anyMatch(m -> m.startsWith("The worker is shutting down: it handed the job back "
                    + "to the queue after step 4"));

            String twin = clientB.createOk(String.format(JOB, training));
            JsonNode twinDone = clientB.awaitStatus(twin, "succeeded");
            String csv = results(b, done);
            assertThat(csv.lines().count()).isEqualTo(11);
            assertThat(csv).isEqualTo(results(b, twinDone));
        } finally {
            if (b != null) b.close();
            a.close();
        }
    }

    @Test
    void aDrainedReplicaFinishesItsStreamRefusesNewInferenceAndIsNotReady() throws Exception {
        try (InferenceFixture f = new InferenceFixture(dir)) {
            f.engine.reply("tell me", "one two three four five six seven eight nine ten");
            f.engine.tokenDelay(Duration.ofMillis(150));
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest stream = HttpRequest.newBuilder(URI.create(f.ts.base + InferenceFixture.AZURE_CHAT))
                    .header("api-key", TestServer.KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"tell me\"}],"
                            + "\"stream\":true}")).build();
            HttpResponse<Stream<String>> response = http.send(stream, HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            Iterator<String> lines = response.body().iterator();
            StringBuilder body = new StringBuilder();
            String first = lines.next(); // the stream is open and under way
            body.append(first).append('\n');

            CompletableFuture<Void> closing = CompletableFuture.runAsync(f.ts::close);
            await().atMost(Duration.ofSeconds(5)).until(() -> f.ts.server.ops().drain().draining());

            HttpResponse<String> refused = f.post(InferenceFixture.AZURE_CHAT,
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(refused.statusCode()).isEqualTo(503);
            JsonNode error = Json.MAPPER.readTree(refused.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("serviceUnavailable");
            assertThat(error.get("message").asText()).contains("shutting down");

            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(f.ts.base + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode readiness = Json.MAPPER.readTree(ready.body());
            assertThat(readiness.get("status").asText()).isEqualTo("not_ready");
            assertThat(readiness.at("/checks/accepting/status").asText()).isEqualTo("down");
            assertThat(readiness.at("/checks/database/status").asText()).isEqualTo("up");
            assertThat(readiness.at("/error/code").asText()).isEqualTo("serviceUnavailable");

            lines.forEachRemaining(l -> body.append(l).append('\n'));
            List<Object> events = InferenceFixture.events(body.toString());
            assertThat(events.getLast()).isEqualTo("[DONE]");
            assertThat(InferenceFixture.streamedText(events, 0, "content"))
                    .isEqualTo("one two three four five six seven eight nine ten");
            closing.get();
            assertThat(f.ts.server.ops().drain().inFlight()).isZero();
        }
    }

    private static List<String> messages(TestServer ts, String id) throws Exception {
        JsonNode events = Json.MAPPER.readTree(ts.get("/openai/fine_tuning/jobs/" + id + "/events?limit=100&" + V).body());
        return Stream.iterate(0, i -> i < events.get("data").size(), i -> i + 1)
                .map(i -> events.get("data").get(i).get("message").asText()).toList();
    }

    private static String results(TestServer ts, JsonNode job) throws Exception {
        return ts.get("/openai/files/" + job.get("result_files").get(0).asText() + "/content?" + V).body();
    }
}
