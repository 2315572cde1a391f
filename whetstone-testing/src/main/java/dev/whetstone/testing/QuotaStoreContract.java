package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.deployments.DeploymentQuota;
import dev.whetstone.deployments.QuotaBucket;
import dev.whetstone.deployments.QuotaState;
import dev.whetstone.deployments.RateLimitedException;
import dev.whetstone.deployments.SharedQuotas;
import dev.whetstone.store.QuotaStore;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link QuotaStore} adapter must have, and {@link SharedQuotas} over it: two replicas' quotas
 * on one store spend one budget. Subclass once per adapter; {@link #emptyStore()} must return a store without
 * buckets, and {@link #secondStore()} another connection to the same state (a second replica).
 */
public abstract class QuotaStoreContract {
    protected QuotaStore store;

    protected abstract QuotaStore emptyStore() throws Exception;

    /** The same buckets through another instance (another pool on the same database), as a second replica has. */
    protected abstract QuotaStore secondStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    @Test
    void bucketsAreInsertedOnceAndReplacedOnlyAtTheirVersion() {
        QuotaBucket first = new QuotaBucket(2000, 12, 1234.567890123, 11.25, 1_700_000_000_123L);
        assertThat(store.find("bot")).isEmpty();
        assertThat(store.insert("bot", first)).isTrue();
        assertThat(store.insert("bot", QuotaBucket.full(1, 0))).isFalse();
        assertThat(store.find("bot")).contains(new QuotaStore.Versioned(first, 0)); // doubles round-trip exactly

        QuotaBucket next = new QuotaBucket(3000, 18, -5.5, 0.0625, 1_700_000_001_000L);
        assertThat(store.replace("bot", 1, next)).isFalse();
        assertThat(store.replace("bot", 0, next)).isTrue();
        assertThat(store.replace("bot", 0, first)).isFalse(); // a second writer holding the old version loses
        assertThat(store.find("bot")).contains(new QuotaStore.Versioned(next, 1));
        assertThat(store.replace("other", 0, next)).isFalse();

        store.delete("bot");
        assertThat(store.find("bot")).isEmpty();
        store.delete("bot");
    }

    @Test
    void twoReplicasSpendOneBudgetWithTheSameRulesAsOneProcess() throws Exception {
        ManualClock clock = new ManualClock();
        DeploymentQuota a = new SharedQuotas(store, clock).open("bot", 1);
        DeploymentQuota b = new SharedQuotas(secondStore(), clock).open("bot", 1);
        assertThat(a.admit(600)).isEqualTo(new QuotaState(1000, 400, 6, 5, 36_000));
        assertThatThrownBy(() -> b.admit(500)).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.retryAfterMillis()).isEqualTo(6_000); // 100 tokens missing at 1000 per minute
            assertThat(e.state().remainingTokens()).isEqualTo(400);
            assertThat(e.getMessage()).contains("1000 tokens and 6 requests per minute").contains("retry after 6 seconds");
        });
        b.settle(0, 0); // nothing charged, nothing given back
        a.settle(600, 100); // 500 unused flow back, seen by the other replica
        assertThat(b.state().remainingTokens()).isEqualTo(900);
        assertThat(b.admit(900).remainingTokens()).isZero();
        clock.advance(Duration.ofSeconds(6));
        assertThat(a.admit(100).remainingTokens()).isZero();
    }

    @Test
    void aCapacityChangeAppliesOnceWhicheverReplicasSeeIt() throws Exception {
        ManualClock clock = new ManualClock();
        DeploymentQuota a = new SharedQuotas(store, clock).open("bot", 1);
        DeploymentQuota b = new SharedQuotas(secondStore(), clock).open("bot", 1);
        a.admit(800);
        a.setCapacity(3);
        b.setCapacity(3); // the second replica's view catches up; the bucket does not grow twice
        assertThat(b.state()).extracting(QuotaState::limitTokens, QuotaState::remainingTokens, QuotaState::limitRequests)
                .containsExactly(3000L, 2200L, 18L);
        assertThat(b.capacity()).isEqualTo(3);
    }

    @Test
    void aDeletedDeploymentsNameStartsAgainWithAFullBucket() throws Exception {
        ManualClock clock = new ManualClock();
        SharedQuotas quotas = new SharedQuotas(store, clock);
        DeploymentQuota a = quotas.open("bot", 1);
        a.admit(1000);
        quotas.forget("bot");
        assertThat(new SharedQuotas(secondStore(), clock).open("bot", 2).state().remainingTokens()).isEqualTo(2000);
    }
}
