package dev.whetstone.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Capacity N: N × 1000 tokens and N × 6 requests per minute, refilled continuously. */
class BucketQuotaTest {
    final ManualClock clock = new ManualClock();

    /** The quota under test; SharedQuotasTest runs the same rules on buckets kept in a store. */
    DeploymentQuota quota(int capacity) {
        return new BucketQuota(capacity, clock);
    }

    @Test
    void admitsUpToAMinutesTokensThenRefusesWithTheWaitUntilEnoughRefilled() {
        DeploymentQuota q = quota(1);
        QuotaState after = q.admit(600);
        assertThat(after).isEqualTo(new QuotaState(1000, 400, 6, 5, 36_000));
        assertThatThrownBy(() -> q.admit(500)).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.retryAfterMillis()).isEqualTo(6_000); // 100 tokens missing at 1000 per minute
            assertThat(e.state().remainingTokens()).isEqualTo(400);
            assertThat(e.getMessage()).contains("1000 tokens and 6 requests per minute").contains("retry after 6 seconds");
        });
        clock.advance(Duration.ofSeconds(6));
        assertThat(q.admit(500).remainingTokens()).isZero();
    }

    @Test
    void requestsAreLimitedToSixPerMinutePerUnit() {
        DeploymentQuota q = quota(1);
        for (int i = 0; i < 6; i++) q.admit(1);
        assertThatThrownBy(() -> q.admit(1)).isInstanceOfSatisfying(RateLimitedException.class,
                e -> assertThat(e.retryAfterMillis()).isEqualTo(10_000));
        clock.advance(Duration.ofSeconds(10));
        assertThat(q.admit(1).remainingRequests()).isZero();
    }

    @Test
    void settleRefundsWhatWasNotUsed() {
        DeploymentQuota q = quota(2);
        q.admit(1500);
        q.settle(1500, 300);
        assertThat(q.state().remainingTokens()).isEqualTo(1700);
    }

    @Test
    void useBeyondTheEstimateIsOwedAndDelaysTheNextRequest() {
        DeploymentQuota q = quota(1);
        q.admit(300);
        q.settle(300, 1500);
        assertThat(q.state().remainingTokens()).isZero();
        assertThatThrownBy(() -> q.admit(100)).isInstanceOfSatisfying(RateLimitedException.class,
                e -> assertThat(e.retryAfterMillis()).isEqualTo(36_000)); // 500 owed + 100 at 1000 per minute
        clock.advance(Duration.ofSeconds(36));
        assertThat(q.admit(100).remainingTokens()).isZero();
    }

    @Test
    void anEstimateAboveAMinutesBudgetWaitsForAFullBucketInsteadOfFailingForever() {
        DeploymentQuota q = quota(1);
        assertThat(q.admit(4096).remainingTokens()).isZero();
        assertThatThrownBy(() -> q.admit(4096)).isInstanceOfSatisfying(RateLimitedException.class,
                e -> assertThat(e.retryAfterMillis()).isEqualTo(60_000));
        q.settle(4096, 100);
        assertThat(q.state().remainingTokens()).isEqualTo(900);
    }

    @Test
    void aCapacityChangeMovesTheLimitsAtOnce() {
        DeploymentQuota q = quota(1);
        q.admit(800);
        q.setCapacity(3);
        assertThat(q.state()).extracting(QuotaState::limitTokens, QuotaState::remainingTokens, QuotaState::limitRequests)
                .containsExactly(3000L, 2200L, 18L);
        q.setCapacity(1);
        assertThat(q.state().remainingTokens()).isEqualTo(200);
    }
}
