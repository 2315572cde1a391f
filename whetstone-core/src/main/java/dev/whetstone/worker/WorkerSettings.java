package dev.whetstone.worker;

import java.time.Duration;

/**
 * How workers hold and report jobs.
 *
 * @param lease             how long a claim lasts without renewal; a crashed worker's job is taken over after it
 * @param heartbeat         how often a lease is renewed (well below {@code lease})
 * @param poll              how long an idle worker waits before looking for work again
 * @param metricsEventEvery a metrics event (and a results.csv refresh) every this many steps, and at the last
 * @param keepCheckpoints   checkpoints kept per job, the newest (Azure keeps 3)
 */
public record WorkerSettings(Duration lease, Duration heartbeat, Duration poll, int metricsEventEvery, int keepCheckpoints) {
    public WorkerSettings {
        if (heartbeat.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("heartbeat (" + heartbeat + ") must be shorter than the lease (" + lease + ")");
        }
        if (metricsEventEvery < 1 || keepCheckpoints < 1) {
            throw new IllegalArgumentException("metricsEventEvery and keepCheckpoints must be at least 1");
        }
    }

    public static WorkerSettings defaults() {
        return new WorkerSettings(Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ofSeconds(2), 10, 3);
    }
}
