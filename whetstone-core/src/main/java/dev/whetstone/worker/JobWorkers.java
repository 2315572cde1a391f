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
        List<JobWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JobWorker worker = new JobWorker(env, prefix + "-" + i);
            workers.add(worker);
            threads.add(Thread.ofPlatform().name("whetstone-" + worker.id()).start(worker));
        }
        return new JobWorkers(List.copyOf(workers), List.copyOf(threads), stopTimeout);
    }

    public List<JobWorker> workers() { return workers; }

    @Override
    public void close() throws InterruptedException {
        workers.forEach(JobWorker::stop);
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        for (Thread t : threads) {
            t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (t.isAlive()) LOG.warn("{} did not stop within {}; its job resumes after its lease expires", t.getName(), stopTimeout);
        }
    }
}
