package dev.whetstone.engine.torch.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads a decode product is split over: the caller plus {@code threads − 1} daemon workers. A decode step
 * issues ~120 products of 0.05–1 ms each, so the hand-off must cost microseconds: workers spin on a volatile
 * generation for a short while after each job (the next product follows within tens of microseconds), then park;
 * chunks are taken from a shared counter, so a worker the OS has descheduled (a loaded machine) only delays the
 * chunk it holds, and the caller takes the rest.
 */
final class RowWorkers {
    /** How long an idle worker spins before parking: longer than the gap between two products of one step. */
    private static final long SPIN_NS = 200_000;

    interface Body {
        void run(int chunk);
    }

    /** One product's chunks; a fresh object per job, so a worker late from the last job cannot take this one's. */
    private record Job(Body body, int n, AtomicInteger next, AtomicInteger done) {
        void work() {
            for (int c; (c = next.getAndIncrement()) < n; ) {
                body.run(c);
                done.incrementAndGet();
            }
        }
    }

    private final Thread[] workers;
    private final AtomicIntegerArray parked;
    private volatile Job job;

    RowWorkers(int threads) {
        workers = new Thread[Math.max(0, threads - 1)];
        parked = new AtomicIntegerArray(workers.length);
        for (int i = 0; i < workers.length; i++) {
            int id = i;
            workers[i] = Thread.ofPlatform().daemon().name("whetstone-rows-" + (i + 1)).start(() -> loop(id));
        }
    }

    int threads() { return workers.length + 1; }

    /** Runs {@code body} for chunks 0 … n−1 on the caller and the workers; returns when all are done. */
    void run(int n, Body body) {
        if (workers.length == 0 || n == 1) {
            for (int c = 0; c < n; c++) body.run(c);
            return;
        }
        Job j = new Job(body, n, new AtomicInteger(), new AtomicInteger());
        job = j;
        for (int i = 0; i < workers.length; i++) {
            if (parked.get(i) == 1) LockSupport.unpark(workers[i]);
        }
        j.work();
        while (j.done.get() < n) Thread.onSpinWait();
    }

    private void loop(int id) {
        Job seen = null;
        while (true) {
            long start = System.nanoTime();
            Job j;
            while ((j = job) == seen) {
                if (System.nanoTime() - start < SPIN_NS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(id, 1);
                    if (job == seen) LockSupport.park(this);
                    parked.set(id, 0);
                    start = System.nanoTime();
                }
            }
            seen = j;
            j.work();
        }
    }
}
