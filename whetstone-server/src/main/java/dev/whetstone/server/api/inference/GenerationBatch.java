package dev.whetstone.server.api.inference;

import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.Generation;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The generations of one request (one per choice). Engine threads only enqueue events, so a slow client never
 * stalls a batch; the request's own thread drains them in order with {@link #next()} and writes the answer.
 */
final class GenerationBatch {
    sealed interface Event permits TokenEvent, Done, Failed {
        int choice();
    }

    record TokenEvent(int choice, GeneratedToken token) implements Event {}

    record Done(int choice, FinishReason reason, Usage usage) implements Event {}

    record Failed(int choice, InferenceException error) implements Event {}

    /** What one choice generates from. */
    record Job(Prompt prompt, SamplingOptions options) {}

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Generation> generations = new ArrayList<>();
    private final long deadlineNanos;
    private int open;

    private GenerationBatch(Duration timeout) {
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /**
     * Queues every job; if one cannot be queued (engine busy, prompt too long) those already queued are cancelled
     * and the engine's exception propagates.
     */
    static GenerationBatch start(ServedModel model, List<Job> jobs, Duration timeout) {
        GenerationBatch batch = new GenerationBatch(timeout);
        try {
            for (int i = 0; i < jobs.size(); i++) {
                batch.generations.add(model.generate(jobs.get(i).prompt(), jobs.get(i).options(), batch.listener(i)));
            }
        } catch (RuntimeException e) {
            batch.cancel();
            throw e;
        }
        batch.open = jobs.size();
        return batch;
    }

    /**
     * The next event, in the order the engine produced them; null once every generation has ended.
     *
     * @throws TimeoutException when the request's time is up (the caller cancels)
     */
    Event next() throws TimeoutException, InterruptedException {
        if (open == 0) return null;
        long left = deadlineNanos - System.nanoTime();
        Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : events.poll();
        if (e == null) throw new TimeoutException();
        if (!(e instanceof TokenEvent)) open--;
        return e;
    }

    /** Stops every generation of the request (client gone, time-out, or a sibling failed). Idempotent. */
    void cancel() {
        generations.forEach(Generation::cancel);
    }

    /** Stops one choice's generation (the content filter cut it); its Done event still arrives. */
    void cancel(int choice) {
        generations.get(choice).cancel();
    }

    private GenerationListener listener(int choice) {
        return new GenerationListener() {
            @Override
            public void onToken(GeneratedToken token) { events.add(new TokenEvent(choice, token)); }

            @Override
            public void onComplete(FinishReason reason, Usage usage) {
                events.add(new Done(choice, reason, usage));
            }

            @Override
            public void onError(InferenceException error) { events.add(new Failed(choice, error)); }
        };
    }
}
