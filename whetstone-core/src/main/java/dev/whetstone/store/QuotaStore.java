package dev.whetstone.store;

import dev.whetstone.deployments.QuotaBucket;
import java.util.Optional;

/**
 * Deployments' rate-limit buckets shared by every replica (docs/deployments.md, "Rate limits"). Each change is a
 * compare-and-set on the row's version, so two replicas charging at once never both spend the same tokens.
 */
public interface QuotaStore {
    /** A bucket as stored, with the version a {@link #replace} must name. */
    record Versioned(QuotaBucket bucket, long version) {}

    Optional<Versioned> find(String deployment);

    /** Stores the deployment's first bucket; false (nothing changed) when it has one already. */
    boolean insert(String deployment, QuotaBucket bucket);

    /** Replaces the bucket if it still has {@code version}; false (nothing changed) when another change came first. */
    boolean replace(String deployment, long version, QuotaBucket next);

    void delete(String deployment);
}
