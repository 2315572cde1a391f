package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.howToBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Role;
import dev.whetstone.server.auth.ServiceSecrets;
import dev.whetstone.testing.FakeInferenceEngine;
import dev.whetstone.testing.FakeModels;
import dev.whetstone.testing.PostgresSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deployments through the production wiring (SQLite or PostgreSQL): kept across restarts and loaded again. */
class DeploymentRestartTest {
    @TempDir Path data;

    ServerConfig config(String dbUrl) {
        FakeModels.create(data.resolve("models"), "tiny-chat", true);
        return new ServerConfig("127.0.0.1", 0, data, dbUrl, null, Set.of("restart-key"), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), false)
                .withJobs(0, 20, Duration.ofSeconds(60));
    }

    /**
     * A token signed with the token-secret file a data folder kept before the secret moved into the database: the
     * first start imports it, so tokens minted before the upgrade keep working.
     */
    String tokenOfAnExistingInstall() throws Exception {
        String hex = "5e".repeat(32);
        java.nio.file.Files.createDirectories(data);
        java.nio.file.Files.writeString(ServiceSecrets.tokenSecretFile(data), hex + "\n");
        return new AccessTokens(java.util.HexFormat.of().parseHex(hex), Clock.systemUTC()).mint(Role.ADMIN, Duration.ofHours(1));
    }

    @Test
    void sqliteDeploymentsAreLoadedAgainAfterARestart() throws Exception {
        deployRestartAndServe(null);
    }

    @Test
    void postgresqlDeploymentsAreLoadedAgainAfterARestart() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create()) {
            deployRestartAndServe(schema.url());
        }
    }

    private void deployRestartAndServe(String dbUrl) throws Exception {
        String token = tokenOfAnExistingInstall();
        FakeInferenceEngine first = new FakeInferenceEngine();
        try (WhetstoneServer server = WhetstoneServer.start(config(dbUrl), c -> first)) {
            ArmClient arm = new ArmClient("http://127.0.0.1:" + server.port(), token);
            assertThat(arm.put("kept", howToBody("tiny-chat")).statusCode()).isEqualTo(201);
            assertThat(arm.awaitTerminal("kept").at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
            var chat = arm.send("POST", "/openai/deployments/kept/chat/completions?api-version=2024-10-21",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}],\"max_tokens\":5}");
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            assertThat(chat.headers().firstValue("x-ratelimit-remaining-tokens")).isPresent();
        }
        assertThat(first.loadedKeys()).as("closing the service closes the engine").isEmpty();
        // On PostgreSQL the replicas share the buckets in the database; one process on SQLite keeps them in memory.
        try (dev.whetstone.store.sql.Database db = dev.whetstone.store.sql.Database.open(config(dbUrl).effectiveDbUrl())) {
            int buckets = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM quota_buckets WHERE deployment = 'kept'")
                    .mapTo(Integer.class).one());
            assertThat(buckets).isEqualTo(dbUrl == null ? 0 : 1);
        }

        FakeInferenceEngine second = new FakeInferenceEngine();
        try (WhetstoneServer server = WhetstoneServer.start(config(dbUrl), c -> second)) {
            ArmClient arm = new ArmClient("http://127.0.0.1:" + server.port(), token);
            JsonNode d = arm.awaitTerminal("kept");
            assertThat(d.at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> second.loadedKeys().contains("kept"));
        }
    }

    @Test
    void inferenceKeysStayOnInferenceAndOnlyListedAccountsExist() throws Exception {
        ServerConfig config = config(null).withAccess(new AccessOptions(Set.of("inference-only-key"), Set.of("team-a")));
        try (WhetstoneServer server = WhetstoneServer.start(config, c -> new FakeInferenceEngine())) {
            String base = "http://127.0.0.1:" + server.port();
            ArmClient inference = new ArmClient(base, "inference-only-key");
            DeploymentsApiTest.assertError(inference.send("GET", "/openai/models?api-version=2024-10-21", null), 403,
                    "limited to inference");
            assertThat(inference.send("POST", "/openai/deployments/x/chat/completions?api-version=2024-10-21", "{}")
                    .statusCode()).isNotIn(401, 403);
            ArmClient admin = new ArmClient(base, "restart-key");
            String teamB = ArmClient.ACCOUNT.replace("my-resource", "team-b") + "/deployments/bot?" + ArmClient.V;
            DeploymentsApiTest.assertError(admin.send("PUT", teamB, howToBody("tiny-chat")), 404, "allows: team-a");
            String teamA = ArmClient.ACCOUNT.replace("my-resource", "team-a") + "/deployments/bot?" + ArmClient.V;
            assertThat(admin.send("PUT", teamA, howToBody("tiny-chat")).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void theConfiguredInferenceTimeOutEndsASlowRequestWith503() throws Exception {
        ServerConfig config = config(null).withServing(new ServingOptions(8, 64, Duration.ofSeconds(1)));
        FakeInferenceEngine slow = new FakeInferenceEngine().tokenDelay(Duration.ofSeconds(2));
        try (WhetstoneServer server = WhetstoneServer.start(config, c -> slow)) {
            ArmClient arm = new ArmClient("http://127.0.0.1:" + server.port(), "restart-key");
            assertThat(arm.put("slow", howToBody("tiny-chat")).statusCode()).isEqualTo(201);
            assertThat(arm.awaitTerminal("slow").at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
            var chat = arm.send("POST", "/openai/deployments/slow/chat/completions?api-version=2024-10-21",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"one two three four\"}]}");
            DeploymentsApiTest.assertError(chat, 503, "time-out of 1 s");
        }
    }

    @Test
    void aDeploymentWhoseWeightsCannotBeLoadedFailsSayingWhy() throws Exception {
        String token = tokenOfAnExistingInstall();
        try (WhetstoneServer server = WhetstoneServer.start(config(null))) { // the torch engine; the fake tiny-chat folder has no real config
            ArmClient arm = new ArmClient("http://127.0.0.1:" + server.port(), token);
            assertThat(arm.put("unserved", howToBody("tiny-chat")).statusCode()).isEqualTo(201);
            JsonNode d = arm.awaitTerminal("unserved");
            assertThat(d.at("/properties/provisioningState").asText()).isEqualTo("Failed");
            assertThat(d.at("/properties/error/message").asText()).contains("Loading model 'tiny-chat' failed", "config.json", "hidden_size");
        }
    }
}
