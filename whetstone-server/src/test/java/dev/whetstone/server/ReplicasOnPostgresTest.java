package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.howToBody;
import static dev.whetstone.server.ArmClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.auth.Role;
import dev.whetstone.store.sql.Database;
import dev.whetstone.testing.ManualClock;
import dev.whetstone.testing.PostgresSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two `serve` replicas with their own data folders and only one PostgreSQL database in common, each with its own
 * connection pool, started at the same time: they agree on the API key, the token secret and the account keys, and
 * a deployment's capacity holds for both together. The quota clock stands still, so nothing refills mid-test.
 */
class ReplicasOnPostgresTest {
    private static final String FILES = "/openai/files?api-version=2024-10-21";

    @TempDir Path dataA;
    @TempDir Path dataB;
    PostgresSchema schema;
    Database dbA;
    Database dbB;
    TestServer a;
    TestServer b;
    final ManualClock clock = new ManualClock();

    @BeforeEach
    void startTwoReplicasTogether() throws Exception {
        schema = PostgresSchema.create();
        dbA = Database.open(schema.url());
        dbB = Database.open(schema.url());
        // Started together: both find no key and no secret; the first insert wins and both use it.
        CompletableFuture<TestServer> first = CompletableFuture.supplyAsync(() -> start(dataA, dbA));
        CompletableFuture<TestServer> second = CompletableFuture.supplyAsync(() -> start(dataB, dbB));
        a = first.join();
        b = second.join();
    }

    private TestServer start(Path data, Database db) {
        try {
            return TestServer.onDatabase(data, db, clock);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (a != null) a.close();
        if (b != null) b.close();
        if (dbA != null) dbA.close();
        if (dbB != null) dbB.close();
        if (schema != null) schema.close();
    }

    @Test
    void bothReplicasAcceptTheSameApiKeyTokenAndAccountKeys() throws Exception {
        assertThat(a.key).startsWith("wst-").isEqualTo(b.key);
        assertThat(dataA.resolve("api-key")).doesNotExist(); // in the database, not in either data folder
        assertThat(get(b, FILES, a.key).statusCode()).isEqualTo(200);
        assertThat(get(a, FILES, b.key).statusCode()).isEqualTo(200);

        String token = a.tokens(Clock.systemUTC()).mint(Role.ADMIN, Duration.ofHours(1));
        assertThat(new ArmClient(b.base, token).send("GET", ArmClient.ACCOUNT + "/deployments?" + ArmClient.V, null)
                .statusCode()).isEqualTo(200);
        assertThat(dataB.resolve("token-secret")).doesNotExist();

        String list = ArmClient.ACCOUNT + "/listKeys?" + ArmClient.V;
        String regenerate = ArmClient.ACCOUNT + "/regenerateKey?" + ArmClient.V;
        JsonNode keys = json(new ArmClient(a.base, token).send("POST", list, null));
        assertThat(json(new ArmClient(b.base, token).send("POST", list, null))).isEqualTo(keys);
        String key1 = keys.path("key1").asText();
        assertThat(get(b, FILES, key1).statusCode()).isEqualTo(200);

        // Regenerated on one replica: the other refuses the old key and accepts the new one at once.
        JsonNode after = json(new ArmClient(b.base, token).send("POST", regenerate, "{\"keyName\":\"Key1\"}"));
        String newKey1 = after.path("key1").asText();
        assertThat(newKey1).isNotEqualTo(key1);
        assertThat(get(a, FILES, key1).statusCode()).isEqualTo(401);
        assertThat(get(a, FILES, newKey1).statusCode()).isEqualTo(200);
        assertThat(get(a, FILES, after.path("key2").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void capacityOneIs429OnceBothReplicasTogetherSpendAMinutesThousandTokens() throws Exception {
        ArmClient arm = new ArmClient(a.base, a.adminToken());
        assertThat(arm.put("shared", howToBody("tiny-chat", 1)).statusCode()).isEqualTo(201);
        assertThat(arm.awaitTerminal("shared").at("/properties/provisioningState").asText()).isEqualTo("Succeeded");

        // ~200 tokens each way (the fake echoes the prompt, cut at max_tokens): every request is charged and uses
        // about 400 of the 1000 tokens, so two fit in one budget and a third does not.
        String prompt = "word ".repeat(200).strip();
        int maxTokens = 200;
        HttpResponse<String> onA = chat(a, prompt, maxTokens);
        assertThat(onA.statusCode()).as(onA.body()).isEqualTo(200);
        long usedOnA = json(onA).at("/usage/total_tokens").asLong();

        // B loads the deployment on its first lookup (404 until then, nothing charged); then B is charged too.
        HttpResponse<String>[] onB = new HttpResponse[1];
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> (onB[0] = chat(b, prompt, maxTokens)).statusCode() != 404);
        assertThat(onB[0].statusCode()).as(onB[0].body()).isEqualTo(200);
        long promptOnB = json(onB[0]).at("/usage/prompt_tokens").asLong();
        long usedOnB = json(onB[0]).at("/usage/total_tokens").asLong();
        // B's headers count A's use: what is left after B's admission is the one budget minus both.
        assertThat(onB[0].headers().firstValue("x-ratelimit-remaining-tokens"))
                .hasValue(Long.toString(1000 - usedOnA - (promptOnB + maxTokens)));

        HttpResponse<String> again = chat(a, prompt, maxTokens);
        long left = 1000 - usedOnA - usedOnB;
        long estimate = promptOnB + maxTokens;
        assertThat(left).as("the third request does not fit what both replicas left").isLessThan(estimate);
        assertThat(usedOnA).as("A alone is far from its own thousand").isLessThan(1000 - estimate);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(429);
        assertThat(json(again).at("/error/type").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(json(again).at("/error/code").asText()).isEqualTo("tooManyRequests"); // as one process answers
        assertThat(json(again).at("/error/message").asText()).contains("1000 tokens and 6 requests per minute");
        assertThat(again.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("1000");
        assertThat(again.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue(Long.toString(left));
        assertThat(again.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("4");
        // the wait until enough refills, at 1000 tokens per minute, rounded up to whole seconds
        long waitMs = (long) Math.ceil((estimate - left) * 60_000.0 / 1000);
        assertThat(again.headers().firstValue("retry-after-ms")).hasValue(Long.toString(waitMs));
        assertThat(chat(b, prompt, maxTokens).statusCode()).isEqualTo(429);

        clock.advance(Duration.ofMillis(waitMs)); // both replicas see the refill of the one bucket
        assertThat(chat(b, prompt, maxTokens).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> chat(TestServer ts, String prompt, int maxTokens) throws Exception {
        return ts.post("/openai/deployments/shared/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],\"max_tokens\":" + maxTokens + "}");
    }

    private static HttpResponse<String> get(TestServer ts, String path, String key) throws Exception {
        return ts.send(HttpRequest.newBuilder(URI.create(ts.base + path)).header("api-key", key).GET().build());
    }
}
