package dev.whetstone.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeploymentLifecycleTest {
    static final long CREATED = Instant.parse("2026-03-01T08:00:00Z").getEpochSecond();

    static Deployment deployment(String sku, long lastUsedAt) {
        return new Deployment("acct", "bot", new Deployment.ModelRef("OpenAI", "tiny-chat", "1", null),
                new Deployment.Sku(sku, 1), null, ProvisioningState.SUCCEEDED, null, CREATED, CREATED, "e", lastUsedAt);
    }

    @Test
    void idleDeadlineCountsFromTheLastUseOrTheCreation() {
        DeploymentLifecycle azure = DeploymentLifecycle.AZURE;
        assertThat(azure.expiry(deployment("Standard", 0))).contains(new DeploymentLifecycle.Expiry(
                Instant.parse("2026-03-16T08:00:00Z"), DeploymentLifecycle.Reason.IDLE));
        assertThat(azure.expiry(deployment("Standard", CREATED + 3600)).orElseThrow().at())
                .isEqualTo(Instant.parse("2026-03-16T09:00:00Z"));
    }

    @Test
    void developerTierEndsAtTheEarlierOfItsLifetimeAndTheIdleLimit() {
        assertThat(DeploymentLifecycle.AZURE.expiry(deployment("DeveloperTier", CREATED + 7200))).contains(
                new DeploymentLifecycle.Expiry(Instant.parse("2026-03-02T08:00:00Z"), DeploymentLifecycle.Reason.DEVELOPER_TIER));
        DeploymentLifecycle shortIdle = new DeploymentLifecycle(Duration.ofHours(24), Duration.ofHours(1), Duration.ofMinutes(1));
        assertThat(shortIdle.expiry(deployment("DeveloperTier", 0)).orElseThrow().reason())
                .isEqualTo(DeploymentLifecycle.Reason.IDLE);
    }

    @Test
    void aZeroIdleLimitLeavesOnlyTheDeveloperTierLifetime() {
        DeploymentLifecycle noIdle = new DeploymentLifecycle(Duration.ofHours(2), Duration.ZERO, Duration.ofMinutes(1));
        assertThat(noIdle.expiry(deployment("Standard", 0))).isEmpty();
        assertThat(noIdle.expiry(deployment("developertier", 0)).orElseThrow().at())
                .isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    }

    @Test
    void theLogLineSaysWhichRuleAndSinceWhen() {
        DeploymentLifecycle azure = DeploymentLifecycle.AZURE;
        Deployment dev = deployment("DeveloperTier", 0);
        assertThat(azure.describe(dev, azure.expiry(dev).orElseThrow())).isEqualTo("deployment 'bot' (account 'acct') "
                + "deleted: a DeveloperTier deployment expires 1 day after its creation at 2026-03-01T08:00:00Z (due "
                + "2026-03-02T08:00:00Z)");
        Deployment used = deployment("Standard", CREATED + 60);
        assertThat(azure.describe(used, azure.expiry(used).orElseThrow())).isEqualTo("deployment 'bot' (account "
                + "'acct') deleted: no inference for 15 days (last used 2026-03-01T08:01:00Z, due 2026-03-16T08:01:00Z)");
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> new DeploymentLifecycle(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1)))
                .hasMessageContaining("DeveloperTier lifetime must be positive");
        assertThatThrownBy(() -> new DeploymentLifecycle(Duration.ofHours(1), Duration.ofDays(-1), Duration.ofMinutes(1)))
                .hasMessageContaining("idle limit");
    }
}
