package dev.whetstone.jobs;

/** Azure FineTuningState (API.md 3.9). Which moves are allowed is {@link JobTransitions}. */
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

    /** Whether a worker may claim a job in this status (waiting to start or to continue). */
    public boolean isClaimable() { return this == PENDING || this == RESUMING; }
}
