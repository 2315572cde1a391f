package dev.whetstone.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process's graceful shutdown (docs/operations.md, "Drain"): once {@link #begin()} is called the process is not
 * ready, claims no new jobs and accepts no new inference, while what is in flight finishes. Each piece that must
 * react registers a hook; requests in flight are counted so shutdown can wait for them.
 */
public final class Drain {
    private final AtomicBoolean draining = new AtomicBoolean();
    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();
    private final Object idle = new Object();
    private int inFlight;

    /** Runs {@code hook} once when the drain begins (at once when it already has). */
    public void onBegin(Runnable hook) {
        hooks.add(hook);
        if (draining.get()) hook.run();
    }

    /** Starts draining; hooks run on the calling thread, once. */
    public void begin() {
        if (!draining.compareAndSet(false, true)) return;
        for (Runnable hook : hooks) hook.run();
    }

    public boolean draining() { return draining.get(); }

    /** A request starts; pair with {@link #leave()}. */
    public void enter() {
        synchronized (idle) {
            inFlight++;
        }
    }

    public void leave() {
        synchronized (idle) {
            inFlight--;
            if (inFlight <= 0) idle.notifyAll();
        }
    }

    public int inFlight() {
        synchronized (idle) {
            return inFlight;
        }
    }

    /** Waits until no request is in flight or {@code limit} has passed; true when none is left. */
    public boolean awaitIdle(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (idle) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
            return true;
        }
    }
}
