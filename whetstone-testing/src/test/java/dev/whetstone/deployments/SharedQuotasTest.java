package dev.whetstone.deployments;

import dev.whetstone.testing.InMemoryQuotaStore;

/** Buckets kept in a store (one per cluster) follow exactly the rules of one process's buckets. */
class SharedQuotasTest extends BucketQuotaTest {
    @Override
    DeploymentQuota quota(int capacity) {
        return new SharedQuotas(new InMemoryQuotaStore(), clock).open("bot", capacity);
    }
}
