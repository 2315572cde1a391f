package dev.whetstone.server;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training-only process ({@code whetstone worker}): job workers on the shared database and data folder, no HTTP.
 * {@link #close()} hands running jobs back to the queue at their next step boundary, then closes the stores.
 */
public final class WhetstoneWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WhetstoneWorker.class);

    private final List<AutoCloseable> resources;
    private boolean closed;

    private WhetstoneWorker(List<AutoCloseable> resources) {
        this.resources = resources;
    }

    /** Builds the production adapters for {@code config} and starts {@code config.workers()} (at least 1) workers. */
    public static WhetstoneWorker start(ServerConfig config) throws Exception {
        WhetstoneWorker worker = new WhetstoneWorker(Wiring.workerOnly(config));
        LOG.info("Whetstone worker started: {} worker(s) on {}", config.workers(), config.dataDir());
        return worker;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", r, e.toString());
            }
        }
        LOG.info("Whetstone worker stopped");
    }
}
