package dev.whetstone.deployments;

import dev.whetstone.store.QuotaStore;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * Deployments' buckets in the database, so that capacity N allows N × 1000 tokens a minute across all replicas
 * together, not per replica (docs/deployments.md, "Rate limits"). Every admit and settle reads the bucket and
 * writes it back with a compare-and-set on its version: two round trips when no other replica charged the same
 * deployment in between, and another pair per replica that did (each retry means another charge succeeded, so
 * replicas never stall each other). The arithmetic is {@link QuotaBucket}'s, the same as one process's, so the
 * 429, its message and the headers are the same; the only difference from one process is clock skew between
 * replicas, which can add at most skew × rate tokens once (refills never move the bucket's time backwards).
 */
public final class SharedQuotas implements DeploymentQuotas {
    private final QuotaStore store;
    private final Clock clock;

    public SharedQuotas(QuotaStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public DeploymentQuota open(String deployment, int capacity) {
        SharedQuota quota = new SharedQuota(deployment, capacity);
        quota.setCapacity(capacity);
        return quota;
    }

    @Override
    public void forget(String deployment) { store.delete(deployment); }

    private final class SharedQuota implements DeploymentQuota {
        private final String deployment;
        /** The capacity this replica last applied; the stored limits are what admits. */
        private volatile int capacity;

        SharedQuota(String deployment, int capacity) {
            this.deployment = deployment;
            this.capacity = capacity;
        }

        @Override
        public int capacity() { return capacity; }

        @Override
        public void setCapacity(int newCapacity) {
            // Every replica applies a PUT's capacity when it next serves the deployment: only the first changes it.
            update(b -> b.capacity() == newCapacity ? b : b.resized(newCapacity, clock.millis()));
            capacity = newCapacity;
        }

        @Override
        public QuotaState admit(int estimatedTokens) {
            long[] now = new long[1];
            QuotaBucket after = update(b -> {
                now[0] = clock.millis();
                return b.admitted(estimatedTokens, now[0]); // a 429 throws before anything is written
            });
            return after.state(now[0]);
        }

        @Override
        public QuotaState state() {
            long now = clock.millis();
            return update(b -> b).state(now);
        }

        @Override
        public void settle(int estimatedTokens, int usedTokens) {
            update(b -> b.settled(estimatedTokens, usedTokens, clock.millis()));
        }

        /**
         * Applies {@code change} to the stored bucket until no other replica changed it in between. This replica's
         * own requests take turns here, so retries only come from other replicas.
         */
        private synchronized QuotaBucket update(UnaryOperator<QuotaBucket> change) {
            while (true) {
                QuotaStore.Versioned current = store.find(deployment).orElse(null);
                if (current == null) {
                    // first use anywhere, or deleted and created again: a full bucket, as one process starts with
                    store.insert(deployment, QuotaBucket.full(capacity, clock.millis()));
                    continue;
                }
                QuotaBucket next = change.apply(current.bucket());
                if (next.equals(current.bucket()) || store.replace(deployment, current.version(), next)) return next;
            }
        }
    }
}
