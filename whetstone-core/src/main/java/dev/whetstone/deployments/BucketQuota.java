package dev.whetstone.deployments;

import java.time.Clock;

/**
 * {@link TokenQuota} of one process: a {@link QuotaBucket} in memory. The default on SQLite, where one process
 * serves; replicas sharing PostgreSQL use {@link SharedQuotas} instead (docs/deployments.md, "Rate limits").
 */
public final class BucketQuota implements DeploymentQuota {
    private final Clock clock;
    private QuotaBucket bucket;

    public BucketQuota(int capacity, Clock clock) {
        this.clock = clock;
        this.bucket = QuotaBucket.full(capacity, clock.millis());
    }

    @Override
    public synchronized int capacity() { return bucket.capacity(); }

    @Override
    public synchronized void setCapacity(int capacity) {
        bucket = bucket.resized(capacity, clock.millis());
    }

    @Override
    public synchronized QuotaState admit(int estimatedTokens) {
        long now = clock.millis();
        bucket = bucket.admitted(estimatedTokens, now);
        return bucket.state(now);
    }

    @Override
    public synchronized void settle(int estimatedTokens, int usedTokens) {
        bucket = bucket.settled(estimatedTokens, usedTokens, clock.millis());
    }

    @Override
    public synchronized QuotaState state() { return bucket.state(clock.millis()); }
}
