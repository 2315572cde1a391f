package dev.whetstone.server;

import static dev.whetstone.server.JobClient.V;
import static dev.whetstone.server.JobClient.chatLines;
import static dev.whetstone.server.JobClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.testing.FakeTrainer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancel, pause, resume, delete, paging, fine-tuned models and file protection over real HTTP. */
class JobControlTest {
    @TempDir Path dir;
    FakeTrainer trainer = new FakeTrainer();
    TestServer ts;
    JobClient client;
    String training;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.withJobs(dir, trainer, 1, Clock.systemUTC(), 20);
        client = new JobClient(ts);
        training = client.upload("training_set.jsonl", chatLines(10));
    }

    @AfterEach
    void stop() {
        trainer.release();
        ts.close();
    }

    String createHeld(int step) throws Exception {
        trainer.holdBeforeStep(step);
        String id = client.createOk("{\"model\":\"tiny-chat\",\"training_file\":\"" + training + "\",\"hyperparameters\":{\"n_epochs\":1}}");
        assertThat(trainer.awaitHeld(Duration.ofSeconds(10))).isTrue();
        return id;
    }

    @Test
    void cancelFromCurlWithoutContentLengthAnswersTheJobCancelledAtOnce() throws Exception {
        String id = createHeld(3);
        JobClient.RawResponse cancel = client.rawPost("/openai/fine_tuning/jobs/" + id + "/cancel?" + V);
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
        assertThat(cancel.json().get("status").asText()).isEqualTo("cancelled");
        trainer.release();

        await(() -> ts.stores.jobs().find(id).orElseThrow().leaseOwner() == null);
        JsonNode job = client.job(id);
        assertThat(job.get("status").asText()).isEqualTo("cancelled");
        assertThat(job.get("fine_tuned_model").isNull()).isTrue();
        HttpResponse<String> again = ts.send(ts.request("/openai/fine_tuning/jobs/" + id + "/cancel?" + V)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).get("error").get("code").asText()).isEqualTo("unexpectedEntityState");
    }

    @Test
    void pauseThenResumeFinishesTheJob() throws Exception {
        String id = createHeld(4);
        HttpResponse<String> pause = ts.send(ts.request("/openai/fine_tuning/jobs/" + id + "/pause?api-version=2025-04-01-preview")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(pause.statusCode()).as(pause.body()).isEqualTo(200);
        assertThat(json(pause).get("status").asText()).isEqualTo("pausing");
        trainer.release();
        client.awaitStatus(id, "paused");
        assertThat(client.rawPost("/openai/fine_tuning/jobs/" + id + "/pause?" + V).status()).isEqualTo(409);

        JobClient.RawResponse resume = client.rawPost("/openai/fine_tuning/jobs/" + id + "/resume?api-version=2025-04-01-preview");
        assertThat(resume.status()).isEqualTo(200);
        assertThat(resume.json().get("status").asText()).isEqualTo("resuming");
        client.awaitStatus(id, "succeeded");
        assertThat(ts.stores.events().metrics(id)).hasSize(10);
    }

    @Test
    void deleteIs409WhileRunningAnd204AfterwardsTakingTheModelAlong() throws Exception {
        String id = createHeld(2);
        HttpResponse<String> busy = ts.send(ts.request("/openai/fine_tuning/jobs/" + id + "?" + V).DELETE().build());
        assertThat(busy.statusCode()).isEqualTo(409);
        HttpResponse<String> fileBusy = ts.send(ts.request("/openai/files/" + training + "?" + V).DELETE().build());
        assertThat(fileBusy.statusCode()).isEqualTo(409);
        assertThat(json(fileBusy).get("error").get("message").asText()).contains(id);
        trainer.release();
        String model = client.awaitStatus(id, "succeeded").get("fine_tuned_model").asText();
        assertThat(ts.get("/openai/models/" + model + "?" + V).statusCode()).isEqualTo(200);

        HttpResponse<String> deleted = ts.send(ts.request("/openai/fine_tuning/jobs/" + id + "?" + V).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(ts.get("/openai/fine_tuning/jobs/" + id + "?" + V).statusCode()).isEqualTo(404);
        assertThat(ts.get("/openai/models/" + model + "?" + V).statusCode()).isEqualTo(404);
        assertThat(ts.send(ts.request("/openai/files/" + training + "?" + V).DELETE().build()).statusCode()).isEqualTo(200);
    }

    @Test
    void fineTunedModelsAreListedRetrievedAndDeletedInTheOpenAiShape() throws Exception {
        String id = client.createOk("{\"model\":\"gpt-35-turbo-0613\",\"training_file\":\"" + training
                + "\",\"suffix\":\"clippy\",\"hyperparameters\":{\"n_epochs\":1}}");
        String model = client.awaitStatus(id, "succeeded").get("fine_tuned_model").asText();
        assertThat(model).endsWith("-clippy");

        JsonNode listed = null;
        for (JsonNode m : json(ts.get("/openai/models?" + V)).get("data")) if (m.get("id").asText().equals(model)) listed = m;
        assertThat(listed).isNotNull();
        assertThat(listed.get("model").asText()).isEqualTo("gpt-35-turbo-0613");
        assertThat(listed.get("fine_tune").asText()).isEqualTo(id);
        assertThat(listed.get("status").asText()).isEqualTo("succeeded");
        assertThat(listed.get("capabilities").get("chat_completion").asBoolean()).isTrue();
        assertThat(listed.get("capabilities").get("fine_tune").asBoolean()).isTrue();
        assertThat(json(ts.get("/v1/models/" + model)).get("owned_by").asText()).isEqualTo("user");

        HttpResponse<String> base = ts.send(ts.request("/openai/models/tiny-chat?" + V).DELETE().build());
        assertThat(base.statusCode()).isEqualTo(400);
        HttpResponse<String> del = ts.send(ts.request("/openai/deployments/" + model + "/models/" + model + "?" + V).DELETE().build());
        assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
        assertThat(json(del).toString()).isEqualTo("{\"id\":\"" + model + "\",\"object\":\"model\",\"deleted\":true}");
        assertThat(ts.get("/openai/models/" + model + "?" + V).statusCode()).isEqualTo(404);
        assertThat(client.job(id).get("status").asText()).isEqualTo("succeeded");
        assertThat(ts.send(ts.request("/openai/models/" + model + "?" + V).DELETE().build()).statusCode()).isEqualTo(404);
    }

    @Test
    void pagesFollowAfterUntilAnEmptyPageAsTheJavaAutoPagerDoes() throws Exception {
        ts.close();
        ts = TestServer.withJobs(dir.resolve("paging"), trainer, 0, Clock.systemUTC(), 100);
        client = new JobClient(ts);
        training = client.upload("t.jsonl", chatLines(10));
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) created.add(client.createOk("{\"model\":\"tiny-chat\",\"training_file\":\"" + training + "\"}"));

        List<String> seen = new ArrayList<>();
        List<Boolean> hasMore = new ArrayList<>();
        String after = null;
        for (int requests = 0; requests < 10; requests++) {
            JsonNode page = json(ts.get("/openai/fine_tuning/jobs?limit=2&" + V + (after == null ? "" : "&after=" + after)));
            if (page.get("data").isEmpty()) break;
            page.get("data").forEach(j -> seen.add(j.get("id").asText()));
            hasMore.add(page.get("has_more").asBoolean());
            after = seen.getLast();
        }
        assertThat(seen).containsExactlyElementsOf(created.reversed());
        assertThat(hasMore).containsExactly(true, true, false);

        JsonNode events = json(ts.get("/openai/fine_tuning/jobs/" + created.getFirst() + "/events?limit=1&" + V));
        assertThat(events.get("has_more").asBoolean()).isTrue();
        String last = events.get("data").get(0).get("id").asText();
        JsonNode rest = json(ts.get("/openai/fine_tuning/jobs/" + created.getFirst() + "/events?limit=10&after=" + last + "&" + V));
        assertThat(rest.get("has_more").asBoolean()).isFalse();
        String lastOfAll = rest.get("data").get(rest.get("data").size() - 1).get("id").asText();
        assertThat(json(ts.get("/openai/fine_tuning/jobs/" + created.getFirst() + "/events?after=" + lastOfAll + "&" + V))
                .get("data")).isEmpty();
        assertThat(ts.get("/openai/fine_tuning/jobs?limit=0&" + V).statusCode()).isEqualTo(400);
    }

    @Test
    void theActiveJobQuotaIs429QuotaExceeded() throws Exception {
        ts.close();
        ts = TestServer.withJobs(dir.resolve("quota"), trainer, 0, Clock.systemUTC(), 2);
        client = new JobClient(ts);
        training = client.upload("t.jsonl", chatLines(10));
        String body = "{\"model\":\"tiny-chat\",\"training_file\":\"" + training + "\"}";
        client.createOk(body);
        client.createOk(body);
        HttpResponse<String> r = client.create(body);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(json(r).get("error").get("code").asText()).isEqualTo("quotaExceeded");
        assertThat(json(r).get("error").get("type").asText()).isEqualTo("insufficient_quota");
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(condition);
    }
}
