package dev.whetstone.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.deployments.DeploymentQuota;
import dev.whetstone.deployments.RateLimitedException;
import dev.whetstone.deployments.SharedQuotas;
import dev.whetstone.testing.ManualClock;
import dev.whetstone.testing.PostgresSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two replicas (two pools, two {@link SharedQuotas}) charging one deployment at once on PostgreSQL never admit
 * more than its budget together. The clock stands still, so nothing refills and the bound is exact: capacity 50
 * is 50 000 tokens, so exactly 200 requests of 250 tokens pass, however the charges interleave.
 */
class PostgresQuotaConcurrencyTest {
    private static final int THREADS_PER_REPLICA = 4;
    private static final int ATTEMPTS_PER_THREAD = 80;

    @Test
    void twoReplicasTogetherAdmitExactlyTheBudget() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create();
                Database a = Database.open(schema.url());
                Database b = Database.open(schema.url());
                ExecutorService threads = Executors.newFixedThreadPool(2 * THREADS_PER_REPLICA)) {
            ManualClock clock = new ManualClock();
            List<DeploymentQuota> replicas = List.of(new SharedQuotas(new JdbiQuotaStore(a), clock).open("bot", 50),
                    new SharedQuotas(new JdbiQuotaStore(b), clock).open("bot", 50));
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2 * THREADS_PER_REPLICA; t++) {
                DeploymentQuota quota = replicas.get(t % 2);
                done.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < ATTEMPTS_PER_THREAD; i++) {
                        try {
                            quota.admit(250);
                            admitted.incrementAndGet();
                        } catch (RateLimitedException e) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get();
            assertThat(admitted.get()).isEqualTo(200);
            assertThat(refused.get()).isEqualTo(2 * THREADS_PER_REPLICA * ATTEMPTS_PER_THREAD - 200);
            assertThat(replicas.get(0).state().remainingTokens()).isZero();
            assertThat(replicas.get(1).state().remainingRequests()).isEqualTo(300 - 200);
        }
    }
}
