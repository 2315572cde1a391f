package dev.whetstone.jobs;

import dev.whetstone.store.JobStore;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Read-modify-write against the optimistic {@link JobStore#update}: the change is applied to a fresh read until
 * the store accepts it, so an API cancel racing a worker's progress write never loses either.
 */
public final class JobUpdates {
    /** A writer retrying this often is livelocked, which means a bug, not contention. */
    private static final int MAX_ATTEMPTS = 1000;

    private JobUpdates() {}

    /**
     * Applies {@code change} (which may throw to refuse, or return null to leave the job as it is) and returns
     * the job as stored afterwards; empty when the job does not exist or the change declined. A status change
     * outside {@link JobTransitions} is a bug and throws.
     */
    public static Optional<FineTuningJob> apply(JobStore store, String id, UnaryOperator<FineTuningJob> change) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<FineTuningJob> current = store.find(id);
            if (current.isEmpty()) return Optional.empty();
            FineTuningJob next = change.apply(current.get());
            if (next == null) return Optional.empty();
            JobTransitions.check(current.get().status(), next.status());
            if (next.version() != current.get().version()) {
                throw new IllegalArgumentException("a job change must start from the job it was given (version "
                        + current.get().version() + "), not version " + next.version());
            }
            if (store.update(next)) return Optional.of(next.toBuilder().version(next.version() + 1).build());
        }
        throw new IllegalStateException("job " + id + " changed under every one of " + MAX_ATTEMPTS + " attempts");
    }
}
