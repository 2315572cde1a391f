package dev.whetstone.server.ops;

import dev.whetstone.cluster.ProcessRecord;
import dev.whetstone.cluster.RegistrySettings;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.server.ServerConfig;
import dev.whetstone.store.JobStore;
import dev.whetstone.store.ProcessStore;
import dev.whetstone.store.sql.Database;
import dev.whetstone.store.sql.JdbiJobStore;
import dev.whetstone.store.sql.JdbiProcessStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code whetstone status} shows: the registered processes (stale ones marked by heartbeat age) and the job
 * leases, each with the process that holds it, read from the shared database.
 *
 * @param now       epoch milliseconds the snapshot was taken at
 * @param processes serve replicas and workers, by kind and start time
 * @param leases    jobs with a lease owner, soonest expiry first
 */
public record ClusterStatus(long now, List<Process> processes, List<Lease> leases) {
    /** A registry row and whether its heartbeat is too old to trust. */
    public record Process(ProcessRecord record, boolean stale) {}

    /**
     * @param process the registered process whose workers hold the lease, or null when none is registered (it died
     *                and its row was pruned, or it predates the registry)
     */
    public record Lease(String jobId, String status, String holder, String process, long leaseExpiresAt, boolean expired) {}

    /** Reads the registry and the leases from the database {@code config} names (migrating it like any process). */
    public static ClusterStatus read(ServerConfig config) {
        try (Database database = Database.open(config.effectiveDbUrl())) {
            return read(new JdbiProcessStore(database), new JdbiJobStore(database), Clock.systemUTC(),
                    RegistrySettings.DEFAULTS.staleAfter());
        }
    }

    public static ClusterStatus read(ProcessStore processes, JobStore jobs, Clock clock, Duration staleAfter) {
        long now = clock.millis();
        List<ProcessRecord> rows = processes.list();
        List<Process> shown = rows.stream().map(p -> new Process(p, p.stale(now, staleAfter))).toList();
        List<Lease> leases = jobs.leased().stream().map(j -> lease(j, rows, now)).toList();
        return new ClusterStatus(now, shown, leases);
    }

    private static Lease lease(FineTuningJob job, List<ProcessRecord> rows, long now) {
        String holder = job.leaseOwner();
        String process = rows.stream().map(ProcessRecord::id).filter(id -> holder.startsWith(id + "-")).findFirst()
                .orElse(null);
        long expires = job.leaseExpiresAt() == null ? 0 : job.leaseExpiresAt();
        return new Lease(job.id(), job.status().wireName(), holder, process, expires, expires <= now);
    }

    /** The snapshot as JSON-ready maps (the {@code --json} output), times as epoch milliseconds. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", now);
        out.put("processes", processes.stream().map(p -> {
            ProcessRecord r = p.record();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("kind", r.kind().wireName());
            m.put("host", r.host());
            m.put("pid", r.pid());
            m.put("version", r.version());
            m.put("started_at", r.startedAt());
            m.put("heartbeat_at", r.heartbeatAt());
            m.put("state", r.state().wireName());
            m.put("stale", p.stale());
            m.put("jobs", r.jobs());
            m.put("deployments", r.deployments());
            return m;
        }).toList());
        out.put("leases", leases.stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job_id", l.jobId());
            m.put("status", l.status());
            m.put("holder", l.holder());
            m.put("process", l.process());
            m.put("lease_expires_at", l.leaseExpiresAt());
            m.put("expired", l.expired());
            return m;
        }).toList());
        return out;
    }
}
