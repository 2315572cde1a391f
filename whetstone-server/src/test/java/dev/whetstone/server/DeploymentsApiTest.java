package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.ACCOUNT;
import static dev.whetstone.server.ArmClient.V;
import static dev.whetstone.server.ArmClient.howToBody;
import static dev.whetstone.server.ArmClient.json;
import static dev.whetstone.server.JobClient.chatLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Role;
import dev.whetstone.testing.FakeTrainer;
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

/** The how-to's deployment requests over real HTTP with the FakeTrainer's model and the FakeInferenceEngine. */
class DeploymentsApiTest {
    @TempDir Path dir;
    TestServer ts;
    ArmClient arm;
    String jobId;
    String model;
    List<JsonNode> checkpoints = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.withJobs(dir, new FakeTrainer(), 1, Clock.systemUTC(), 20);
        JobClient jobs = new JobClient(ts);
        String training = jobs.upload("training_set.jsonl", chatLines(10));
        jobId = jobs.createOk("{\"model\": \"tiny-chat\", \"training_file\": \"" + training + "\"}");
        model = jobs.awaitStatus(jobId, "succeeded").get("fine_tuned_model").asText();
        json(ts.get("/openai/fine_tuning/jobs/" + jobId + "/checkpoints?api-version=2024-10-21")).get("data")
                .forEach(checkpoints::add);
        arm = new ArmClient(ts.base, token(Role.ADMIN, Clock.systemUTC()));
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    String token(Role role, Clock clock) throws Exception {
        return ts.tokens(clock).mint(role, Duration.ofHours(1));
    }

    @Test
    void theHowToDeploysPollsListsAndDeletes() throws Exception {
        HttpResponse<String> put = arm.put("my-bot", howToBody(model));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        JsonNode created = json(put);
        assertThat(created.get("id").asText()).isEqualTo(ACCOUNT + "/deployments/my-bot");
        assertThat(created.get("name").asText()).isEqualTo("my-bot");
        assertThat(created.get("type").asText()).isEqualTo("Microsoft.CognitiveServices/accounts/deployments");
        assertThat(created.get("sku").toString()).isEqualTo("{\"name\":\"Standard\",\"capacity\":1}");
        assertThat(created.at("/properties/model/name").asText()).isEqualTo(model);
        assertThat(created.at("/properties/provisioningState").asText()).isEqualTo("Creating");
        assertThat(created.at("/systemData/createdAt").asText()).endsWith("Z");
        assertThat(created.get("etag").asText()).isNotBlank();

        JsonNode ready = arm.awaitTerminal("my-bot");
        assertThat(ready.at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(ready.at("/properties/capabilities/chatCompletion").asText()).isEqualTo("true");
        assertThat(ready.at("/properties/rateLimits/1/count").asLong()).isEqualTo(1000);
        assertThat(ts.engine.loadedKeys()).containsExactly("my-bot");

        JsonNode list = json(arm.send("GET", ACCOUNT + "/deployments?" + V, null));
        assertThat(list.get("value")).extracting(d -> d.get("name").asText()).containsExactly("my-bot");
        JsonNode legacy = json(ts.get("/openai/deployments?api-version=2022-12-01"));
        assertThat(legacy.at("/data/0/id").asText()).isEqualTo("my-bot");
        assertThat(legacy.at("/data/0/status").asText()).isEqualTo("succeeded");
        assertThat(json(ts.get("/openai/deployments/my-bot?api-version=2022-12-01")).get("model").asText()).isEqualTo(model);

        assertThat(arm.put("my-bot", howToBody(model)).statusCode()).isEqualTo(200);
        assertThat(arm.delete("my-bot").statusCode()).isEqualTo(200);
        assertThat(ts.engine.loadedKeys()).isEmpty();
        assertThat(arm.delete("my-bot").statusCode()).isEqualTo(204);
        HttpResponse<String> gone = arm.get("my-bot");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(json(gone).at("/error/message").asText()).contains("'my-bot'");
        assertThat(json(arm.send("GET", ACCOUNT + "/deployments?" + V, null)).get("value")).isEmpty();
    }

    @Test
    void theHowToPostWithItsMissingQuestionMarkWorks() throws Exception {
        String typo = ACCOUNT + "/deployments/typo-botapi-version=2023-05-01";
        HttpResponse<String> post = arm.send("POST", typo, howToBody(model));
        assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
        assertThat(json(post).get("name").asText()).isEqualTo("typo-bot");
        assertThat(arm.awaitTerminal("typo-bot").at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(arm.send("DELETE", typo, null).statusCode()).isEqualTo(200);

        // The how-to's cross-region form: PUT, the same missing '?', and a source account: the one that owns the
        // model, the default account (the service key created the job; AccountsTest has the other cases).
        String source = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/whetstone"
                + "/providers/Microsoft.CognitiveServices/accounts/whetstone";
        HttpResponse<String> cross = arm.send("PUT", ACCOUNT + "/deployments/cross-botapi-version=2023-05-01",
                howToBody(model).replace("\"version\": \"1\"", "\"version\": \"1\",\n \"source\": \"" + source + "\""));
        assertThat(cross.statusCode()).as(cross.body()).isEqualTo(201);
        assertThat(json(cross).at("/properties/model/source").asText()).isEqualTo(source);
    }

    @Test
    void checkpointsDeployByIdAndByName() throws Exception {
        JsonNode checkpoint = checkpoints.getLast();
        assertThat(arm.put("by-id", howToBody(checkpoint.get("id").asText())).statusCode()).isEqualTo(201);
        String name = checkpoint.get("fine_tuned_model_checkpoint").asText();
        assertThat(arm.put("by-name", howToBody(name)).statusCode()).isEqualTo(201);
        assertThat(arm.awaitTerminal("by-id").at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(arm.awaitTerminal("by-name").at("/properties/model/name").asText()).isEqualTo(name);
        assertThat(ts.engine.spec("by-id").weightsDir()).isEqualTo(ts.engine.spec("by-name").weightsDir());
        assertThat(ts.engine.spec("by-id").weightsDir().toString()).contains(jobId).contains("checkpoints");
    }

    @Test
    void badRequestsAnswer400NamingTheField() throws Exception {
        assertError(arm.put("bot", "{\"sku\":{\"name\":\"standard\",\"capacity\":1}}"), 400, "properties is required");
        assertError(arm.put("bot", "{\"properties\":{\"model\":\"x\"}}"), 400, "properties.model must be a JSON object");
        assertError(arm.put("bot", howToBody("no-such-model")), 400, "properties.model.name 'no-such-model' cannot be deployed");
        assertError(arm.put("bot", howToBody(model).replace("standard", "Premium")), 400, "sku.name 'Premium' is not supported");
        assertError(arm.put("bot", howToBody(model).replace("\"capacity\": 1", "\"capacity\": \"many\"")), 400,
                "sku.capacity must be an integer");
        assertError(arm.put("bot", howToBody(model).replace("OpenAI", "ONNX")), 400, "properties.model.format 'ONNX'");
        assertError(arm.put("bot", "{not json"), 400, "not valid JSON");
        assertError(arm.send("PUT", ACCOUNT + "/deployments/bot", howToBody(model)), 400, "Missing required query parameter 'api-version'");
        assertError(arm.send("PUT", ACCOUNT + "/deployments/bot?api-version=2021-10-01", howToBody(model)), 400,
                "Unsupported api-version '2021-10-01'");
        assertError(arm.send("PUT", ACCOUNT.replace("my-resource", "-x") + "/deployments/bot?" + V, howToBody(model)), 400,
                "Account name '-x' is invalid");
        assertThat(json(arm.send("GET", ACCOUNT + "/deployments?" + V, null)).get("value")).isEmpty();
        HttpResponse<String> later = arm.send("PUT", ACCOUNT + "/deployments/bot?api-version=2025-06-01-preview",
                "{\"properties\":{\"model\":{\"format\":\"OpenAI\",\"name\":\"tiny-chat\",\"version\":\"1\"},"
                        + "\"scaleSettings\":{\"scaleType\":\"Manual\",\"capacity\":2}}}");
        assertThat(later.statusCode()).as(later.body()).isEqualTo(201);
        assertThat(json(later).get("sku").toString()).isEqualTo("{\"name\":\"Standard\",\"capacity\":2}");
    }

    @Test
    void namesAreUniqueAcrossAccounts() throws Exception {
        arm.put("shared-name", howToBody(model));
        String other = ACCOUNT.replace("my-resource", "other-resource") + "/deployments/shared-name?" + V;
        assertError(arm.send("PUT", other, howToBody(model)), 409, "already used by account 'my-resource'");
    }

    @Test
    void deployedModelsAndTheirJobsCannotBeDeleted() throws Exception {
        arm.put("keeper", howToBody(model));
        arm.awaitTerminal("keeper");
        assertError(ts.send(ts.request("/openai/models/" + model + "?api-version=2024-10-21").DELETE().build()), 409,
                "deployment 'keeper'");
        assertError(ts.send(ts.request("/openai/fine_tuning/jobs/" + jobId + "?api-version=2024-10-21").DELETE().build()),
                409, "deployment 'keeper'");
        arm.delete("keeper");
        assertThat(ts.send(ts.request("/openai/models/" + model + "?api-version=2024-10-21").DELETE().build())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void credentialsAreCheckedAndInferenceOnlyTokensStayOnInference() throws Exception {
        assertError(new ArmClient(ts.base, null).put("bot", howToBody(model)), 401, "Access denied");
        assertError(new ArmClient(ts.base, "not-a-key").get("bot"), 401, "Access denied");
        assertError(new ArmClient(ts.base, "a.b.c").get("bot"), 401, "signature is not base64url");
        assertError(new ArmClient(ts.base, "YWJj.YWJj.YWJj").get("bot"), 401, "not signed by this service");
        Clock twoHoursAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-2));
        assertError(new ArmClient(ts.base, token(Role.ADMIN, twoHoursAgo)).get("bot"), 401, "expired");
        byte[] otherSecret = new byte[32];
        new java.security.SecureRandom().nextBytes(otherSecret);
        String foreign = new AccessTokens(otherSecret, Clock.systemUTC()).mint(Role.ADMIN, Duration.ofHours(1));
        assertError(new ArmClient(ts.base, foreign).get("bot"), 401, "not signed by this service");

        ArmClient inference = new ArmClient(ts.base, token(Role.INFERENCE, Clock.systemUTC()));
        assertError(inference.put("bot", howToBody(model)), 403, "limited to inference");
        assertError(inference.send("GET", "/openai/models?api-version=2024-10-21", null), 403, "limited to inference");
        HttpResponse<String> chat = inference.send("POST", "/openai/deployments/bot/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(chat.statusCode()).isNotIn(401, 403);

        HttpResponse<String> withKey = new ArmClient(ts.base, TestServer.KEY).put("bot", howToBody(model));
        assertThat(withKey.statusCode()).as(withKey.body()).isEqualTo(201);
    }

    @Test
    void theAccountListsWhatItCanDeploy() throws Exception {
        JsonNode models = json(arm.send("GET", ACCOUNT + "/models?" + V, null));
        assertThat(models.get("value")).extracting(m -> m.get("name").asText()).contains("tiny-chat", "tiny-base", model);
        assertThat(models.get("value").findValues("baseModel")).hasSize(1);
    }

    static void assertError(HttpResponse<String> r, int status, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r).at("/error/message").asText()).contains(message);
        assertThat(json(r).at("/error/code").asText()).isNotBlank();
    }
}
