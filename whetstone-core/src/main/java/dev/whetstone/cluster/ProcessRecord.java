package dev.whetstone.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One {@code serve} or {@code worker} process as it registered itself in the database (docs/operations.md,
 * "Process registry"). The row is rewritten at every registry heartbeat; a process that stops heartbeating is
 * shown as stale and its row is pruned later.
 *
 * @param id          unique per process start ({@code <kind>-<pid>-<random>}); its job workers' lease owners start
 *                    with it
 * @param version     the Whetstone version the process runs
 * @param startedAt   epoch milliseconds
 * @param heartbeatAt epoch milliseconds of the last registry heartbeat
 * @param jobs        ids of the jobs its workers run now
 * @param deployments names of the deployments loaded in it (replicas; empty for workers)
 */
public record ProcessRecord(String id, Kind kind, String host, long pid, String version, long startedAt,
                            long heartbeatAt, State state, List<String> jobs, List<String> deployments) {
    public ProcessRecord {
        jobs = List.copyOf(jobs);
        deployments = List.copyOf(deployments);
    }

    /** Which command the process runs. */
    public enum Kind {
        SERVE, WORKER;

        public String wireName() { return name().toLowerCase(Locale.ROOT); }

        public static Kind fromWire(String value) { return valueOf(value.toUpperCase(Locale.ROOT)); }
    }

    /** Running, or draining after SIGTERM (no new jobs, no new inference). */
    public enum State {
        RUNNING, DRAINING;

        public String wireName() { return name().toLowerCase(Locale.ROOT); }

        public static State fromWire(String value) { return valueOf(value.toUpperCase(Locale.ROOT)); }
    }

    /** True when the last heartbeat is older than {@code staleAfter}: the process has most likely died. */
    public boolean stale(long nowMillis, Duration staleAfter) {
        return nowMillis - heartbeatAt > staleAfter.toMillis();
    }

    public ProcessRecord beat(long nowMillis, State newState, List<String> nowJobs, List<String> nowDeployments) {
        return new ProcessRecord(id, kind, host, pid, version, startedAt, nowMillis, newState, nowJobs, nowDeployments);
    }
}
