package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.deployments.DeploymentLifecycle;
import dev.whetstone.testing.ManualClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments the service deletes unasked, as Azure does: DeveloperTier ones 24 hours after creation, any one after
 * 15 days without inference. A manual clock stands for the days; the sweep runs every 20 ms of real time, and the
 * test watches the result over HTTP.
 */
class DeploymentExpiryTest {
    static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

    @TempDir Path dir;
    ManualClock clock = new ManualClock(T0);
    TestServer ts;
    ArmClient arm;

    @AfterEach
    void stop() {
        if (ts != null) ts.close();
    }

    void start(DeploymentLifecycle lifecycle) throws Exception {
        ts = TestServer.withLifecycle(dir, clock, lifecycle);
        arm = new ArmClient(ts.base, TestServer.KEY);
    }

    static String body(String sku) {
        return "{\"sku\":{\"name\":\"" + sku + "\",\"capacity\":1},\"properties\":{\"model\":{\"format\":\"OpenAI\","
                + "\"name\":\"tiny-chat\",\"version\":\"1\"}}}";
    }

    HttpResponse<String> chat(String deployment) throws Exception {
        return ts.post("/openai/deployments/" + deployment + "/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}");
    }

    void advanceAndSweep(Duration d) throws Exception {
        clock.advance(d);
        Thread.sleep(150); // several sweeps at 20 ms
    }

    @Test
    void developerTierExpiresAfterItsLifetimeAndIdleDeploymentsAfterTheIdleLimit() throws Exception {
        start(new DeploymentLifecycle(Duration.ofHours(24), Duration.ofDays(15), Duration.ofMillis(20)));
        assertThat(arm.put("dev-bot", body("developertier")).statusCode()).isEqualTo(201);
        assertThat(arm.put("used-bot", body("Standard")).statusCode()).isEqualTo(201);
        assertThat(arm.put("unused-bot", body("Standard")).statusCode()).isEqualTo(201);
        JsonNode dev = arm.awaitTerminal("dev-bot");
        assertThat(dev.path("sku").path("name").asText()).isEqualTo("DeveloperTier");
        assertThat(dev.path("properties").path("expiresAt").asText()).isEqualTo("2026-03-02T08:00:00Z");
        assertThat(dev.path("properties").path("expiryReason").asText()).isEqualTo("DeveloperTier");
        JsonNode used = arm.awaitTerminal("used-bot");
        assertThat(used.path("properties").path("expiresAt").asText()).isEqualTo("2026-03-16T08:00:00Z");
        assertThat(used.path("properties").path("expiryReason").asText()).isEqualTo("Idle");
        assertThat(used.path("properties").has("lastUsedAt")).isFalse();
        arm.awaitTerminal("unused-bot");

        // inference moves the idle deadline: the use is stored (to the minute) and shown
        clock.advance(Duration.ofHours(2));
        assertThat(chat("used-bot").statusCode()).isEqualTo(200);
        JsonNode afterUse = json(arm.get("used-bot"));
        assertThat(afterUse.path("properties").path("lastUsedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(afterUse.path("properties").path("expiresAt").asText()).isEqualTo("2026-03-16T10:00:00Z");
        // a PUT (capacity change) is no use: the answer keeps the last use and the deadline
        JsonNode resized = json(arm.put("used-bot", body("Standard").replace("\"capacity\":1", "\"capacity\":2")));
        assertThat(resized.path("sku").path("capacity").asInt()).isEqualTo(2);
        assertThat(resized.path("properties").path("expiresAt").asText()).isEqualTo("2026-03-16T10:00:00Z");
        assertThat(json(arm.get("used-bot")).path("properties").path("lastUsedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
        // DeveloperTier ends 24 h after creation whatever its use
        assertThat(chat("dev-bot").statusCode()).isEqualTo(200);
        assertThat(json(arm.get("dev-bot")).path("properties").path("expiresAt").asText()).isEqualTo("2026-03-02T08:00:00Z");

        advanceAndSweep(Duration.ofHours(21).plusMinutes(59)); // 07:59 next day: still there
        assertThat(arm.get("dev-bot").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> arm.get("dev-bot").statusCode() == 404);
        assertThat(chat("dev-bot").statusCode()).isEqualTo(404);
        assertThat(arm.get("used-bot").statusCode()).isEqualTo(200);

        // 2026-03-16T08:00: the never-used one goes, the one used at 10:00 on the first day stays until 10:00
        advanceAndSweep(Duration.ofDays(14).minusSeconds(1));
        assertThat(arm.get("unused-bot").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> arm.get("unused-bot").statusCode() == 404);
        assertThat(arm.get("used-bot").statusCode()).isEqualTo(200);
        advanceAndSweep(Duration.ofHours(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> arm.get("used-bot").statusCode() == 404);
        assertThat(json(arm.send("GET", ArmClient.ACCOUNT + "/deployments?" + ArmClient.V, null)).path("value")).isEmpty();
    }

    @Test
    void bothLimitsAreConfigurableAndAZeroIdleLimitKeepsDeployments() throws Exception {
        start(new DeploymentLifecycle(Duration.ofMinutes(30), Duration.ZERO, Duration.ofMillis(20)));
        assertThat(arm.put("dev-bot", body("DeveloperTier")).statusCode()).isEqualTo(201);
        assertThat(arm.put("std-bot", body("Standard")).statusCode()).isEqualTo(201);
        JsonNode std = arm.awaitTerminal("std-bot");
        assertThat(std.path("properties").has("expiresAt")).isFalse();
        assertThat(std.path("properties").has("expiryReason")).isFalse();
        assertThat(arm.awaitTerminal("dev-bot").path("properties").path("expiresAt").asText()).isEqualTo("2026-03-01T08:30:00Z");
        advanceAndSweep(Duration.ofMinutes(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> arm.get("dev-bot").statusCode() == 404);
        advanceAndSweep(Duration.ofDays(400));
        assertThat(arm.get("std-bot").statusCode()).isEqualTo(200);
    }
}
