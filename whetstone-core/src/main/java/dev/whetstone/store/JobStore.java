package dev.whetstone.store;

import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobFilter;
import java.util.Optional;

/**
 * Jobs, and the queue: workers claim claimable jobs with a lease they renew while training.
 * Every change bumps {@code version}, so read-modify-write callers detect any change made meanwhile
 * (JobStoreContract pins the behaviour every adapter must have).
 */
public interface JobStore {
    /** Stores the job as given (its version included); an existing id is an error. */
    void insert(FineTuningJob job);

    Optional<FineTuningJob> find(String id);

    /**
     * Newest first by (created_at, id), or oldest first when ascending; {@code after} is the last id of the
     * previous page. An unknown {@code after} gives an empty page.
     */
    default Page<FineTuningJob> list(PageRequest page) { return list(page, JobFilter.NONE); }

    /** {@link #list(PageRequest)} over the jobs the filter matches ({@link JobFilter#matches}). */
    Page<FineTuningJob> list(PageRequest page, JobFilter filter);

    /**
     * Replaces every field of the job if its stored version is still {@code job.version()}; stores it with
     * version + 1. Returns false when someone else changed it first (the caller re-reads and decides again)
     * or when it does not exist.
     */
    boolean update(FineTuningJob job);

    /**
     * Claims the oldest job (by created_at, id) that is claimable as {@code JobTransitions} says: waiting for a
     * worker (pending, resuming) whatever its lease, or held by a worker whose lease has expired
     * ({@code leaseExpiresAt <= nowMillis}). Sets the status to {@code JobTransitions.onClaim}, lease owner and
     * expiry, version + 1, atomically, so two workers never get one job. Flags are kept.
     */
    Optional<FineTuningJob> claimNext(String workerId, long nowMillis, long leaseExpiresAtMillis);

    /**
     * Extends the lease (version + 1) if {@code workerId} still holds it; false means the job was taken over,
     * deleted, or released.
     */
    boolean renewLease(String jobId, String workerId, long leaseExpiresAtMillis);

    /** Jobs not in a terminal status (for quotas). */
    int countActive();

    /** How many jobs are in each status; statuses without jobs are absent (the metrics' jobs-by-state gauge). */
    java.util.Map<dev.whetstone.jobs.JobStatus, Integer> countByStatus();

    /**
     * Jobs with a lease owner (running, pausing, or held by a worker that may have died), oldest lease expiry
     * first: the leases {@code whetstone status} lists.
     */
    java.util.List<FineTuningJob> leased();

    boolean delete(String jobId);

    /** A non-terminal job that uses this file as training or validation file, if any. */
    Optional<FineTuningJob> activeJobUsingFile(String fileId);
}
