package dev.whetstone.jobs;

import static dev.whetstone.jobs.JobStatus.*;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Every allowed status change, in one table. Anything else is a bug or a client asking too late. */
public final class JobTransitions {
    private static final Map<JobStatus, Set<JobStatus>> ALLOWED = Map.of(
            PENDING, EnumSet.of(RUNNING, CANCELLED, FAILED),
            // RUNNING → PENDING: a worker died and its lease expired; another worker resumes the job.
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, PAUSING, PENDING),
            PAUSING, EnumSet.of(PAUSED, SUCCEEDED, FAILED, CANCELLED, PENDING),
            PAUSED, EnumSet.of(RESUMING, CANCELLED),
            RESUMING, EnumSet.of(RUNNING, CANCELLED, FAILED),
            SUCCEEDED, EnumSet.noneOf(JobStatus.class),
            FAILED, EnumSet.noneOf(JobStatus.class),
            CANCELLED, EnumSet.noneOf(JobStatus.class));

    private JobTransitions() {}

    /** Staying in a status is always allowed (a change of other fields). */
    public static boolean allowed(JobStatus from, JobStatus to) {
        return from == to || ALLOWED.get(from).contains(to);
    }

    /**
     * The status a job has once a worker claims it: running where the table allows that move, else unchanged (a
     * pausing job whose worker died stays pausing; its new worker pauses it at the first step boundary).
     */
    public static JobStatus onClaim(JobStatus from) {
        return allowed(from, RUNNING) ? RUNNING : from;
    }

    /** Statuses a worker may claim at once: waiting for a worker, and allowed to become running. */
    public static Set<JobStatus> claimableWhenWaiting() {
        return only(s -> s.isWaitingForWorker() && allowed(s, RUNNING));
    }

    /**
     * Statuses that hold a worker's lease: claimable only once the lease has expired (the worker died), where the
     * table lets such a job go back to the queue. They move to {@link #onClaim}.
     */
    public static Set<JobStatus> claimableWhenLeaseExpired() {
        return only(s -> s.holdsLease() && allowed(s, PENDING));
    }

    private static Set<JobStatus> only(java.util.function.Predicate<JobStatus> which) {
        return Arrays.stream(JobStatus.values()).filter(which)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(JobStatus.class)));
    }

    public static void check(JobStatus from, JobStatus to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException("job status cannot go from " + from.wireName() + " to " + to.wireName());
        }
    }
}
