package dev.whetstone.jobs;

import static dev.whetstone.jobs.JobStatus.*;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

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

    public static void check(JobStatus from, JobStatus to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException("job status cannot go from " + from.wireName() + " to " + to.wireName());
        }
    }
}
