package dev.whetstone.deployments;

import java.time.Clock;

/**
 * Where deployments' rate-limit buckets live: in this process ({@link #local}, one process on SQLite) or in the
 * database shared by every replica ({@link SharedQuotas}, PostgreSQL). docs/deployments.md, "Rate limits".
 */
public interface DeploymentQuotas {
    /** The quota of a deployment this process starts serving. */
    DeploymentQuota open(String deployment, int capacity);

    /** The deployment was deleted: a deployment created later under its name starts with a full bucket. */
    void forget(String deployment);

    /** One bucket per served deployment in this process's memory; a restart starts them full. */
    static DeploymentQuotas local(Clock clock) {
        return new DeploymentQuotas() {
            @Override
            public DeploymentQuota open(String deployment, int capacity) { return new BucketQuota(capacity, clock); }

            @Override
            public void forget(String deployment) {}
        };
    }
}
