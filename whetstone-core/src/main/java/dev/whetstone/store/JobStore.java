package dev.whetstone.store;

import dev.whetstone.jobs.FineTuningJob;
import java.util.Optional;

/** Jobs, and the queue: workers claim claimable jobs with a lease they renew while training. */
public interface JobStore {
    void insert(FineTuningJob job);

    Optional<FineTuningJob> find(String id);

    /** Newest first, by (created_at, id); {@code after} is the last id of the previous page. */
    Page<FineTuningJob> list(PageRequest page);

    /**
     * Replaces the job if its stored version is still {@code job.version()}; stores it with version + 1.
     * Returns false when someone else changed it first (the caller re-reads and decides again).
     */
    boolean update(FineTuningJob job);

    /**
     * Claims the oldest job that is claimable (pending or resuming), or running/pausing with an expired lease:
     * sets status running, lease owner and expiry, version + 1, atomically, so two workers never get one job.
     */
    Optional<FineTuningJob> claimNext(String workerId, long nowMillis, long leaseExpiresAtMillis);

    /** Extends the lease if {@code workerId} still holds it; false means the job was taken over. */
    boolean renewLease(String jobId, String workerId, long leaseExpiresAtMillis);

    /** Sets the cancel or pause flag that the running worker reads at the next step boundary. */
    boolean requestCancel(String jobId);

    boolean requestPause(String jobId);

    /** Jobs not in a terminal status (for quotas). */
    int countActive();

    boolean delete(String jobId);

    /** Whether a non-terminal job uses this file as training or validation file. */
    Optional<FineTuningJob> activeJobUsingFile(String fileId);
}
