package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.inference.EngineBusyException;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.torch.model.NoGrad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching for one base model, on its own thread. Each iteration: run queued control tasks (unloads),
 * drop cancelled, expired or unloaded sequences (their slot frees at once), admit waiting sequences into free slots
 * (prefill, first token), then one decode step for every running sequence. Running sequences always occupy cache
 * slots 0 … n−1, in {@code running} order.
 */
final class Scheduler implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private static final long IDLE_PARK_NANOS = 50_000_000L;

    private final ModelStep step;
    private final int maxBatch;
    private final long maxGenerationNanos;
    private final LinkedBlockingDeque<Sequence> waiting;
    private final List<Sequence> running = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> control = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean stopping;

    Scheduler(ModelStep step, String name, int maxBatch, int maxWaiting, Duration maxGenerationTime) {
        this.step = step;
        this.maxBatch = maxBatch;
        this.maxGenerationNanos = maxGenerationTime.toNanos();
        this.waiting = new LinkedBlockingDeque<>(maxWaiting);
        this.thread = Thread.ofPlatform().daemon().name("whetstone-infer-" + name).unstarted(this);
    }

    void start() { thread.start(); }

    /** Queues a sequence. @throws EngineBusyException when the waiting queue is full */
    void submit(Sequence s) {
        if (stopping) throw new InferenceException("the model is being unloaded; retry once it is deployed again");
        if (!waiting.offerLast(s)) {
            throw new EngineBusyException(waiting.size() + " generations are already waiting for this model; retry later");
        }
        wake();
    }

    /** Runs {@code task} on the scheduler thread between steps and waits for it. */
    void runBetweenSteps(Runnable task) {
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            task.run();
            return;
        }
        var done = new java.util.concurrent.CompletableFuture<Void>();
        control.add(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        wake();
        done.join();
    }

    /** Ends the sequences {@code which} selects with {@code error} (waiting and running). Scheduler thread. */
    void failAll(Predicate<Sequence> which, InferenceException error) {
        waiting.removeIf(s -> {
            if (!which.test(s)) return false;
            s.fail(error);
            return true;
        });
        for (int i = running.size() - 1; i >= 0; i--) {
            if (which.test(running.get(i))) {
                running.get(i).fail(error);
                release(i);
            }
        }
    }

    /** Stops the thread after failing everything still queued or running; waits for it. */
    void stop(InferenceException error) {
        runBetweenSteps(() -> {
            stopping = true;
            failAll(s -> true, error);
        });
        wake();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void wake() { LockSupport.unpark(thread); }

    @Override
    public void run() {
        try (NoGrad ng = NoGrad.enter()) {
            while (!stopping) {
                Runnable task;
                while ((task = control.poll()) != null) task.run();
                if (stopping) break;
                dropFinished();
                admit();
                if (!running.isEmpty()) decode();
                else if (waiting.isEmpty() && control.isEmpty()) LockSupport.parkNanos(this, IDLE_PARK_NANOS);
            }
        } catch (Throwable t) {
            log.error("inference scheduler {} failed", thread.getName(), t);
            stopping = true;
            failAll(s -> true, new InferenceException("the inference engine failed: " + t + "; see the server log", t));
        }
    }

    private void dropFinished() {
        long now = System.nanoTime();
        InferenceException expired = new InferenceException("the generation ran longer than the engine's limit of "
                + Duration.ofNanos(maxGenerationNanos).toSeconds() + " s; ask for fewer tokens");
        failAll(s -> now - s.queuedAtNanos() > maxGenerationNanos, expired);
        waiting.removeIf(s -> {
            if (s.cancelled()) s.complete(FinishReason.CANCELLED);
            return s.cancelled();
        });
        for (int i = running.size() - 1; i >= 0; i--) {
            Sequence s = running.get(i);
            if (s.cancelled()) s.complete(FinishReason.CANCELLED);
            if (s.done()) release(i);
        }
    }

    /** Prefills waiting sequences into free slots; each samples its first token at once. */
    private void admit() {
        Sequence s;
        while (running.size() < maxBatch && (s = waiting.pollFirst()) != null) {
            if (s.cancelled()) {
                s.complete(FinishReason.CANCELLED);
                continue;
            }
            int slot = running.size();
            running.add(s);
            try {
                deliver(s, step.prefill(s.prompt(), slot, s.adapter(), s.images()), 0);
            } catch (RuntimeException e) {
                log.warn("prefill failed", e);
                s.fail(new InferenceException("the prompt could not be processed: " + e.getMessage(), e));
            }
            if (s.done()) release(slot);
        }
    }

    private void decode() {
        int n = running.size();
        int[] tokens = new int[n];
        long[] positions = new long[n];
        LoraWeights[] adapters = new LoraWeights[n];
        for (int i = 0; i < n; i++) {
            Sequence s = running.get(i);
            tokens[i] = s.lastToken();
            positions[i] = s.nextPosition();
            adapters[i] = s.adapter();
        }
        float[] logits;
        try {
            for (int i = 0; i < n; i++) {
                // Phi-3 longrope: the sequence outgrows the pre-training context now; re-run its cached tokens
                // with the long factors first, as transformers recomputes the whole sequence at this point
                if (step.model().ropeSwitchesAt(positions[i])) {
                    step.rebuild(running.get(i).cachedTokens(), i, adapters[i], positions[i] + 1);
                }
            }
            logits = step.decode(tokens, positions, adapters);
        } catch (RuntimeException e) {
            // a native failure ends this batch's generations, not the scheduler: later requests still run
            log.error("decode step failed", e);
            failAll(running::contains, new InferenceException("the decode step failed: " + e.getMessage(), e));
            return;
        }
        int vocab = step.vocabSize();
        for (int i = 0; i < n; i++) deliver(running.get(i), logits, i * vocab);
        for (int i = n - 1; i >= 0; i--) if (running.get(i).done()) release(i);
    }

    /** A listener that throws loses its generation, not the batch. */
    private void deliver(Sequence s, float[] logits, int offset) {
        try {
            s.accept(logits, offset, step.vocabSize());
        } catch (RuntimeException e) {
            log.warn("generation listener failed; ending that generation", e);
            s.fail(new InferenceException("generation ended: its listener failed with " + e));
        }
    }

    /** Removes running[i]; the last running sequence takes its slot so slots stay 0 … n−1. */
    private void release(int i) {
        int last = running.size() - 1;
        if (i != last) {
            step.moveSlot(last, i);
            running.set(i, running.get(last));
        }
        running.remove(last);
    }
}
