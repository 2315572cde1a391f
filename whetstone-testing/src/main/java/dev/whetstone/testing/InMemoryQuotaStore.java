package dev.whetstone.testing;

import dev.whetstone.deployments.QuotaBucket;
import dev.whetstone.store.QuotaStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link QuotaStore} in a map; checked by QuotaStoreContract like the SQL store. */
public final class InMemoryQuotaStore implements QuotaStore {
    private final Map<String, Versioned> buckets = new HashMap<>();

    @Override
    public synchronized Optional<Versioned> find(String deployment) {
        return Optional.ofNullable(buckets.get(deployment));
    }

    @Override
    public synchronized boolean insert(String deployment, QuotaBucket bucket) {
        return buckets.putIfAbsent(deployment, new Versioned(bucket, 0)) == null;
    }

    @Override
    public synchronized boolean replace(String deployment, long version, QuotaBucket next) {
        Versioned old = buckets.get(deployment);
        if (old == null || old.version() != version) return false;
        buckets.put(deployment, new Versioned(next, version + 1));
        return true;
    }

    @Override
    public synchronized void delete(String deployment) {
        buckets.remove(deployment);
    }
}
