package dev.whetstone.server;

import static dev.whetstone.server.JobClient.V;
import static dev.whetstone.server.JobClient.chatLines;
import static dev.whetstone.server.JobClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.Ids;
import dev.whetstone.testing.FakeTrainer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Azure how-to's curl sequence and the create checks, over real HTTP with the FakeTrainer. */
class JobsApiTest {
    static final List<String> JOB_FIELDS = List.of("object", "id", "created_at", "status", "model", "fine_tuned_model",
            "training_file", "validation_file", "result_files", "finished_at", "trained_tokens", "hyperparameters",
            "suffix", "seed", "organization_id", "error", "estimated_finish", "integrations", "method");

    @TempDir Path dir;
    TestServer ts;
    JobClient client;
    String training;
    String validation;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.withJobs(dir, new FakeTrainer(), 1, Clock.systemUTC(), 20);
        client = new JobClient(ts);
        training = client.upload("training_set.jsonl", chatLines(10));
        validation = client.upload("validation_set.jsonl", chatLines(4));
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    @Test
    void theHowToSequenceFromUploadToResultsFile() throws Exception {
        HttpResponse<String> created = client.create("{\"model\": \"gpt-35-turbo-0613\", \"training_file\": \"" + training
                + "\", \"validation_file\": \"" + validation + "\", \"seed\": 105}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode job = json(created);
        String id = job.get("id").asText();
        assertThat(id).matches("ftjob-[0-9a-f]{32}");
        assertThat(created.headers().firstValue("Location")).hasValue(ts.base + "/openai/fine_tuning/jobs/" + id);
        assertThat(job.fieldNames()).toIterable().containsAll(JOB_FIELDS);
        assertThat(job.get("object").asText()).isEqualTo("fine_tuning.job");
        assertThat(job.get("status").asText()).isEqualTo("pending");
        assertThat(job.get("seed").asLong()).isEqualTo(105);
        assertThat(job.get("model").asText()).isEqualTo("gpt-35-turbo-0613");
        assertThat(job.get("result_files").isArray()).isTrue();
        assertThat(job.get("result_files")).isEmpty();
        assertThat(job.get("organization_id").isNull()).isTrue();
        assertThat(job.get("fine_tuned_model").isNull()).isTrue();
        assertThat(job.get("hyperparameters").toString())
                .isEqualTo("{\"n_epochs\":-1,\"batch_size\":-1,\"learning_rate_multiplier\":-1}");

        JsonNode done = client.awaitStatus(id, "succeeded");
        String model = "gpt-35-turbo-0613.ft-" + Ids.hexOf(id);
        assertThat(done.get("fine_tuned_model").asText()).isEqualTo(model);
        assertThat(done.get("hyperparameters").toString())
                .isEqualTo("{\"n_epochs\":3,\"batch_size\":1,\"learning_rate_multiplier\":1.0}");
        assertThat(done.get("trained_tokens").asLong()).isPositive();
        assertThat(done.get("finished_at").isIntegralNumber()).isTrue();

        JobClient.RawResponse events = client.rawPost("/openai/fine_tuning/jobs/" + id + "/events?api-version=2024-05-01-preview");
        assertThat(events.status()).as(events.body()).isEqualTo(200);
        JsonNode eventList = events.json();
        assertThat(eventList.get("object").asText()).isEqualTo("list");
        assertThat(eventList.get("has_more").isBoolean()).isTrue();
        assertThat(eventList.get("data")).hasSize(20);
        assertThat(eventList.get("data").get(0).get("message").asText()).isEqualTo("Job succeeded.");
        assertThat(eventList.get("data").get(0).get("object").asText()).isEqualTo("fine_tuning.job.event");
        assertThat(eventList.get("data").get(0).get("data").isNull()).isTrue();

        JobClient.RawResponse checkpoints = client.rawPost("/openai/fine_tuning/jobs/" + id
                + "/checkpoints?api-version=2024-05-01-preview");
        assertThat(checkpoints.status()).isEqualTo(200);
        JsonNode cps = checkpoints.json().get("data");
        assertThat(cps).hasSize(3);
        assertThat(cps.get(0).get("fine_tuned_model_checkpoint").asText()).isEqualTo(model);
        assertThat(cps.get(1).get("fine_tuned_model_checkpoint").asText()).isEqualTo(model + ":ckpt-step-20");
        assertThat(cps.get(1).get("id").asText()).matches("ftchkpt-[0-9a-f]{32}");
        assertThat(cps.get(1).get("step_number").asInt()).isEqualTo(20);
        assertThat(cps.get(1).get("fine_tuning_job_id").asText()).isEqualTo(id);
        assertThat(cps.get(1).get("metrics").get("step").isDouble()).isTrue();
        assertThat(cps.get(1).get("metrics").get("full_valid_loss").isNumber()).isTrue();

        String resultFile = json(ts.get("/openai/fine_tuning/jobs/" + id + "?api-version=2023-12-01-preview"))
                .get("result_files").get(0).asText();
        JsonNode file = json(ts.get("/openai/files/" + resultFile + "?" + V));
        assertThat(file.get("purpose").asText()).isEqualTo("fine-tune-results");
        assertThat(file.get("filename").asText()).isEqualTo("results.csv");
        assertThat(file.get("status").asText()).isEqualTo("processed");
        String csv = ts.get("/openai/files/" + resultFile + "/content?api-version=2023-12-01-preview").body();
        List<String> lines = csv.lines().toList();
        assertThat(lines.getFirst()).isEqualTo("step,train_loss,train_mean_token_accuracy,valid_loss,"
                + "valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy");
        assertThat(lines).hasSize(31);
        assertThat(lines.get(10)).matches("10(,[0-9.]+){6}");
        assertThat(lines.get(11)).matches("11(,[0-9.]+){4},,");
        assertThat(json(ts.get("/openai/files?purpose=fine-tune-results&" + V)).get("data")).hasSize(1);
    }

    @Test
    void metricsEventsCarryTheStepMetrics() throws Exception {
        String id = client.createOk("{\"model\":\"tiny-chat\",\"training_file\":\"" + training
                + "\",\"hyperparameters\":{\"n_epochs\":1}}");
        client.awaitStatus(id, "succeeded");
        JsonNode data = json(ts.get("/openai/fine_tuning/jobs/" + id + "/events?limit=100&" + V)).get("data");
        List<JsonNode> metrics = new ArrayList<>();
        data.forEach(e -> { if (e.get("type").asText().equals("metrics")) metrics.add(e); });
        assertThat(metrics).hasSize(5);
        JsonNode last = metrics.getFirst();
        assertThat(last.get("message").asText()).startsWith("Step 10: training loss=");
        assertThat(last.get("data").get("step").asInt()).isEqualTo(10);
        assertThat(last.get("data").fieldNames()).toIterable().contains("train_loss", "train_mean_token_accuracy",
                "valid_loss", "valid_mean_token_accuracy", "full_valid_loss", "full_valid_mean_token_accuracy",
                "tokens_per_second", "peak_memory_bytes");
    }

    @Test
    void eachBadCreateIsAnErrorNamingItsField() throws Exception {
        String pending = training;
        expect(400, "model", "{\"training_file\":\"" + training + "\"}");
        expect(400, "model", "{\"model\":\"gpt-4o\",\"training_file\":\"" + training + "\"}");
        expect(400, "training_file", "{\"model\":\"tiny-chat\"}");
        expect(400, "training_file", "{\"model\":\"tiny-chat\",\"training_file\":\"file-unknown\"}");
        expect(400, "training_file", "{\"model\":\"tiny-chat\",\"training_file\":\"" + validation + "\"}");
        expect(400, "training_file", "{\"model\":\"tiny-base\",\"training_file\":\"" + training + "\"}");
        expect(400, "validation_file", "{\"model\":\"tiny-chat\",\"training_file\":\"" + pending + "\",\"validation_file\":7}");
        expect(400, "suffix", body("\"suffix\":\"" + "s".repeat(41) + "\""));
        expect(400, "suffix", body("\"suffix\":\"a.b\""));
        expect(400, "seed", body("\"seed\":1.5"));
        expect(400, "seed", body("\"seed\":-3"));
        expect(400, "hyperparameters.n_epochs", body("\"hyperparameters\":{\"n_epochs\":\"three\"}"));
        expect(400, "hyperparameters.n_epochs", body("\"hyperparameters\":{\"n_epochs\":2.5}"));
        expect(400, "hyperparameters.n_epochs", body("\"hyperparameters\":{\"n_epochs\":51}"));
        expect(400, "hyperparameters.batch_size", body("\"hyperparameters\":{\"batch_size\":0}"));
        expect(400, "hyperparameters.learning_rate_multiplier", body("\"hyperparameters\":{\"learning_rate_multiplier\":-0.5}"));
        expect(400, "hyperparameters", body("\"hyperparameters\":[1]"));
        expect(400, "method.reinforcement", body("\"method\":{\"type\":\"reinforcement\"}")); // its grader is required
        expect(400, "training_file", body("\"method\":{\"type\":\"dpo\"}")); // a chat file, not preference pairs
        expect(400, "method.supervised.hyperparameters",
                body("\"hyperparameters\":{\"n_epochs\":1},\"method\":{\"type\":\"supervised\",\"supervised\":{\"hyperparameters\":{\"n_epochs\":2}}}"));
        expect(400, "method.supervised.full_finetune",
                body("\"method\":{\"type\":\"supervised\",\"supervised\":{\"full_finetune\":\"yes\"}}"));
        HttpResponse<String> notJson = client.create("{\"model\": ");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson).get("error").get("code").asText()).isEqualTo("invalidPayload");
        assertThat(json(ts.get("/openai/fine_tuning/jobs?" + V)).get("data")).isEmpty();
    }

    private String body(String extra) {
        return "{\"model\":\"tiny-chat\",\"training_file\":\"" + training + "\"," + extra + "}";
    }

    private void expect(int status, String param, String body) throws Exception {
        HttpResponse<String> r = client.create(body);
        assertThat(r.statusCode()).as(body + " → " + r.body()).isEqualTo(status);
        JsonNode error = json(r).get("error");
        assertThat(error.get("param").asText()).as(r.body()).isEqualTo(param);
        assertThat(error.get("code").asText()).isEqualTo("invalidPayload");
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void openAiShapesAutoHyperparametersNestedMethodAndOurFullFineTuneExtension() throws Exception {
        HttpResponse<String> r = ts.post("/v1/fine_tuning/jobs", "{\"model\":\"tiny-chat\",\"training_file\":\"" + training
                + "\",\"method\":{\"type\":\"supervised\",\"supervised\":{\"hyperparameters\":{\"n_epochs\":\"auto\","
                + "\"batch_size\":2},\"full_finetune\":true}},\"metadata\":{\"k\":\"v\"},\"integrations\":[]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode job = json(r);
        assertThat(job.get("status").asText()).isEqualTo("queued");
        assertThat(job.has("suffix")).isFalse();
        assertThat(job.get("organization_id").asText()).isEmpty();
        assertThat(job.get("hyperparameters").toString())
                .isEqualTo("{\"n_epochs\":\"auto\",\"batch_size\":2,\"learning_rate_multiplier\":\"auto\"}");
        assertThat(job.get("method").get("type").asText()).isEqualTo("supervised");
        assertThat(job.get("method").get("supervised").get("full_finetune").asBoolean()).isTrue();
        String id = job.get("id").asText();
        client.awaitStatus(id, "succeeded");
        assertThat(ts.stores.jobs().find(id).orElseThrow().method()).isEqualTo(dev.whetstone.engine.TrainingSpec.Method.FULL);
    }

    @Test
    void openAiDpoShapeWithPreferencePairsIsEchoedAndTrainedAndMismatchedFilesAre400() throws Exception {
        String pairs = client.upload("pairs.jsonl", preferenceLines(10));
        HttpResponse<String> r = ts.post("/v1/fine_tuning/jobs", "{\"model\":\"tiny-chat\",\"training_file\":\"" + pairs
                + "\",\"method\":{\"type\":\"dpo\",\"dpo\":{\"hyperparameters\":{\"beta\":0.25,\"n_epochs\":1,"
                + "\"batch_size\":\"auto\"}}}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode job = json(r);
        assertThat(job.get("method").get("type").asText()).isEqualTo("dpo");
        assertThat(job.get("method").get("dpo").get("hyperparameters").toString()).isEqualTo("{\"n_epochs\":1,"
                + "\"batch_size\":\"auto\",\"learning_rate_multiplier\":\"auto\",\"beta\":0.25}");
        String id = job.get("id").asText();
        client.awaitStatus(id, "succeeded");
        JsonNode done = json(ts.get("/openai/fine_tuning/jobs/" + id + "?" + V));
        JsonNode resolved = done.get("method").get("dpo").get("hyperparameters");
        assertThat(resolved.get("beta").asDouble()).isEqualTo(0.25);
        assertThat(resolved.get("l2_multiplier").asDouble()).isZero();
        assertThat(resolved.get("batch_size").isInt()).isTrue();
        String csv = ts.get("/openai/files/" + done.get("result_files").get(0).asText() + "/content?" + V).body();
        assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",train_reward_accuracy,train_reward_margin,"
                + "valid_reward_accuracy,valid_reward_margin");

        expect(400, "training_file", "{\"model\":\"tiny-chat\",\"training_file\":\"" + pairs + "\"}");
        String dpo = "{\"model\":\"tiny-chat\",\"training_file\":\"" + pairs + "\",\"method\":{\"type\":\"dpo\",\"dpo\":"
                + "{\"hyperparameters\":";
        expect(400, "hyperparameters.beta", dpo + "{\"beta\":0}}}}");
        expect(400, "hyperparameters.beta", dpo + "{\"beta\":2.5}}}}");
        expect(400, "method.dpo.hyperparameters.beta", dpo + "{\"beta\":\"high\"}}}}");
        expect(400, "hyperparameters.l2_multiplier", dpo + "{\"l2_multiplier\":-1.5}}}}");
        expect(400, "hyperparameters.l2_multiplier", dpo + "{\"l2_multiplier\":0.1}}}}");
        assertThat(client.create(dpo + "{\"l2_multiplier\":0,\"beta\":2}}}}").statusCode()).isEqualTo(201);
    }

    static String preferenceLines(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append("{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"Question ").append(i)
                    .append("?\"}]},\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"Yes.\"}],"
                    + "\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"No.\"}]}\n");
        }
        return out.toString();
    }

    @Test
    void azureMinusOneMeansAuto() throws Exception {
        HttpResponse<String> r = client.create(body("\"hyperparameters\":{\"n_epochs\":-1,\"batch_size\":-1,"
                + "\"learning_rate_multiplier\":-1}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(ts.stores.jobs().find(json(r).get("id").asText()).orElseThrow().requested())
                .isEqualTo(dev.whetstone.engine.TrainingSpec.Hyperparameters.auto());
    }

    @Test
    void warningsAreWarnInTheOpenAiFlavor() throws Exception {
        String id = client.createOk(body("\"hyperparameters\":{\"n_epochs\":1}"));
        client.awaitStatus(id, "succeeded");
        ts.stores.events().append(new dev.whetstone.jobs.JobEvent("ftevent-w", id, 1, 0, "warning", "message", "careful", null));
        assertThat(json(ts.get("/v1/fine_tuning/jobs/" + id + "/events?limit=1")).get("data").get(0).get("level").asText())
                .isEqualTo("warn");
        assertThat(json(ts.get("/openai/fine_tuning/jobs/" + id + "/events?limit=1&" + V)).get("data").get(0)
                .get("level").asText()).isEqualTo("warning");
        assertThat(json(ts.get("/v1/fine_tuning/jobs/" + id)).get("hyperparameters").get("n_epochs").asInt()).isEqualTo(1);
    }

    @Test
    void unknownJobIs404InTheEnvelope() throws Exception {
        HttpResponse<String> r = ts.get("/openai/fine_tuning/jobs/ftjob-00000000000000000000000000000000?" + V);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("error").get("message").asText()).contains("ftjob-00000000000000000000000000000000");
        assertThat(client.rawPost("/openai/fine_tuning/jobs/ftjob-x/events?" + V).status()).isEqualTo(404);
    }
}
