package dev.whetstone.jobs;

/** Azure FineTuningState (docs/reference/API.md 3.9). Which moves are allowed is {@link JobTransitions}. */
public enum JobStatus {
    PENDING("pending"),
    RUNNING("running"),
    PAUSING("pausing"),
    PAUSED("paused"),
    RESUMING("resuming"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wireName;

    JobStatus(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }

    public static JobStatus fromWire(String value) {
        for (JobStatus s : values()) {
            if (s.wireName.equals(value)) return s;
        }
        throw new IllegalArgumentException("unknown job status " + value);
    }

    public boolean isTerminal() { return this == SUCCEEDED || this == FAILED || this == CANCELLED; }

    /** Waiting for a worker to start or to continue it; which of these a worker may claim is {@link JobTransitions}. */
    public boolean isWaitingForWorker() { return this == PENDING || this == RESUMING; }

    /** A worker holds the job under a lease it renews while training. */
    public boolean holdsLease() { return this == RUNNING || this == PAUSING; }
}
