package dev.whetstone.server;

import dev.whetstone.server.ops.OpsListener;
import dev.whetstone.server.ops.ProcessOps;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training-only process ({@code whetstone worker}): job workers on the shared database and data folder, and,
 * with a metrics port, a small listener for {@code /livez}, {@code /readyz} and {@code /metrics}.
 * {@link #close()} drains (docs/operations.md, "Drain"): not ready, no new claims, each running job writes its
 * resume point at its next step boundary and goes back to the queue; then the stores close.
 */
public final class WhetstoneWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WhetstoneWorker.class);

    private final List<AutoCloseable> resources;
    private final ProcessOps ops;
    private final OpsListener listener;
    private boolean closed;

    private WhetstoneWorker(List<AutoCloseable> resources, ProcessOps ops, OpsListener listener) {
        this.resources = resources;
        this.ops = ops;
        this.listener = listener;
    }

    /** Builds the production adapters for {@code config} and starts {@code config.workers()} (at least 1) workers. */
    public static WhetstoneWorker start(ServerConfig config) throws Exception {
        return start(config, null, -1);
    }

    /**
     * @param metricsPort the ops listener's port (0 picks a free one); negative: no listener
     */
    public static WhetstoneWorker start(ServerConfig config, String metricsHost, int metricsPort) throws Exception {
        Wiring.WorkerParts parts = Wiring.workerOnly(config);
        List<AutoCloseable> resources = new ArrayList<>(parts.resources());
        OpsListener listener = null;
        if (metricsPort >= 0) {
            try {
                listener = OpsListener.start(metricsHost, metricsPort, parts.ops());
            } catch (RuntimeException e) {
                new WhetstoneWorker(resources, parts.ops(), null).close();
                throw e;
            }
            LOG.info("Whetstone worker health and metrics on http://{}:{}", metricsHost, listener.port());
        }
        WhetstoneWorker worker = new WhetstoneWorker(resources, parts.ops(), listener);
        LOG.info("Whetstone worker {} started: {} worker(s) on {}", parts.ops().registry().id(), config.workers(),
                config.dataDir());
        return worker;
    }

    /** The ops listener's port, or -1 without one. */
    public int metricsPort() { return listener == null ? -1 : listener.port(); }

    ProcessOps ops() { return ops; }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        ops.drain().begin(); // readiness false and no new claims at once; the workers' close waits for the hand-back
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", r, e.toString());
            }
        }
        if (listener != null) listener.close(); // last, so probes see "draining" until the very end
        LOG.info("Whetstone worker stopped");
    }
}
