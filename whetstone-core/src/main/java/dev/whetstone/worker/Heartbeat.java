package dev.whetstone.worker;

import dev.whetstone.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews a job's lease on its own thread while the trainer runs. Once a renewal is refused the job belongs to
 * another worker: {@link #lost()} turns true and stays true.
 */
final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final JobStore store;
    private final String jobId;
    private final String workerId;
    private final Clock clock;
    private final Duration lease;
    private final ScheduledExecutorService timer;
    private volatile boolean lost;

    Heartbeat(JobStore store, String jobId, String workerId, Clock clock, Duration lease, Duration interval) {
        this.store = store;
        this.jobId = jobId;
        this.workerId = workerId;
        this.clock = clock;
        this.lease = lease;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "whetstone-heartbeat-" + jobId);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::renew, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void renew() {
        if (lost) return;
        try {
            if (!store.renewLease(jobId, workerId, clock.millis() + lease.toMillis())) {
                lost = true;
                LOG.warn("worker {} lost the lease of job {}; it stops training it", workerId, jobId);
            }
        } catch (RuntimeException e) {
            // A store hiccup: keep trying; if it lasts past the lease, another worker takes the job over.
            LOG.warn("renewing the lease of job {} failed: {}", jobId, e.toString());
        }
    }

    boolean lost() { return lost; }

    void markLost() { lost = true; }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
