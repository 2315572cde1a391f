package dev.whetstone.cluster;

import dev.whetstone.Ids;
import dev.whetstone.store.ProcessStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this process's row in the registry: written at start, rewritten every heartbeat with the jobs it runs,
 * the deployments it has loaded and whether it drains; deleted on a clean exit. Each heartbeat also prunes rows of
 * processes that stopped heartbeating long ago (crashed, killed), so the table does not grow without bound.
 */
public final class ProcessRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRegistry.class);

    private final ProcessStore store;
    private final Clock clock;
    private final RegistrySettings settings;
    private final Supplier<List<String>> jobs;
    private final Supplier<List<String>> deployments;
    private final Drain drain;
    private ProcessRecord current;
    private ScheduledExecutorService timer;

    public ProcessRegistry(ProcessStore store, ProcessRecord.Kind kind, String version, Clock clock,
                           RegistrySettings settings, Drain drain, Supplier<List<String>> jobs,
                           Supplier<List<String>> deployments) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.jobs = jobs;
        this.deployments = deployments;
        this.drain = drain;
        long now = clock.millis();
        long pid = ProcessHandle.current().pid();
        this.current = new ProcessRecord(newId(kind, pid), kind, hostName(), pid, version, now, now,
                ProcessRecord.State.RUNNING, List.of(), List.of());
    }

    /** {@code serve-<pid>-<8 hex>}: unique per start, so a restarted process never mistakes old leases for its own. */
    public static String newId(ProcessRecord.Kind kind, long pid) {
        return kind.wireName() + "-" + pid + "-" + Ids.hexOf(Ids.newId("p-")).substring(0, 8);
    }

    public String id() { return current.id(); }

    /** Writes the row and starts heartbeating on a daemon thread. */
    public synchronized ProcessRegistry start() {
        beat();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "whetstone-registry");
            t.setDaemon(true);
            return t;
        });
        long every = settings.heartbeat().toMillis();
        timer.scheduleWithFixedDelay(this::beatQuietly, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Rewrites the row now (also called when the drain begins, so `whetstone status` shows it at once). */
    public synchronized void beat() {
        long now = clock.millis();
        current = current.beat(now, drain.draining() ? ProcessRecord.State.DRAINING : ProcessRecord.State.RUNNING,
                jobs.get(), deployments.get());
        store.put(current);
        int pruned = store.deleteStale(now - settings.pruneAfter().toMillis());
        if (pruned > 0) LOG.info("pruned {} registry row(s) of processes silent for over {}", pruned, settings.pruneAfter());
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (RuntimeException e) {
            // The database is away for a moment: the row goes stale and is refreshed by the next beat that works.
            LOG.warn("registry heartbeat of {} failed: {}", current.id(), e.toString());
        }
    }

    public synchronized ProcessRecord current() { return current; }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
        try {
            store.delete(current.id());
        } catch (RuntimeException e) {
            LOG.warn("removing {} from the registry failed (it is pruned once stale): {}", current.id(), e.toString());
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown" : env;
        }
    }
}
