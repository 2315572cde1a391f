package dev.whetstone.worker;

import dev.whetstone.Ids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N in-process workers on platform threads (training holds a thread for hours inside native code, which would
 * pin a virtual thread anyway). {@link #close()} asks each running job to pause back into the queue at its next
 * step boundary and waits for the workers to finish.
 */
public final class JobWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobWorkers.class);

    private final List<JobWorker> workers;
    private final List<Thread> threads;
    private final Duration stopTimeout;

    private JobWorkers(List<JobWorker> workers, List<Thread> threads, Duration stopTimeout) {
        this.workers = workers;
        this.threads = threads;
        this.stopTimeout = stopTimeout;
    }

    /**
     * Starts {@code count} workers; ids are unique per process start so a restarted process never mistakes an old
     * lease for its own.
     *
     * @param stopTimeout how long {@link #close()} waits for a training step to end
     */
    public static JobWorkers start(WorkerEnvironment env, int count, Duration stopTimeout) {
        String prefix = "worker-" + ProcessHandle.current().pid() + "-" + Ids.hexOf(Ids.newId("w-")).substring(0, 8);
        return start(env, count, stopTimeout, prefix, TrainingMeter.NONE);
    }

    /**
     * @param idPrefix the process's registry id: worker ids are {@code <idPrefix>-<n>}, so a job's lease owner names
     *                 the process holding it
     * @param meter    counts the workers' training steps for the process's metrics
     */
    public static JobWorkers start(WorkerEnvironment env, int count, Duration stopTimeout, String idPrefix,
                                   TrainingMeter meter) {
        String prefix = idPrefix;
        List<JobWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JobWorker worker = new JobWorker(env, prefix + "-" + i, meter);
            workers.add(worker);
            threads.add(Thread.ofPlatform().name("whetstone-" + worker.id()).start(worker));
        }
        return new JobWorkers(List.copyOf(workers), List.copyOf(threads), stopTimeout);
    }

    public List<JobWorker> workers() { return workers; }

    /** The jobs these workers run now (the process registry lists them). */
    public List<String> runningJobs() {
        return workers.stream().flatMap(w -> w.runningJob().stream()).toList();
    }

    /**
     * The drain: no worker claims another job, and each running job pauses back into the queue at its next step
     * boundary (resume point written, lease handed back). Returns at once; {@link #close()} waits for them.
     */
    public void stopClaiming() {
        workers.forEach(JobWorker::stop);
    }

    @Override
    public void close() throws InterruptedException {
        stopClaiming();
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        for (Thread t : threads) {
            t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (t.isAlive()) LOG.warn("{} did not stop within {}; its job resumes after its lease expires", t.getName(), stopTimeout);
        }
    }
}
