package dev.whetstone.engine.torch.bench;

import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.Usage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/** A benchmark listener: when each token arrived (System.nanoTime), and the end. */
final class BenchStream implements GenerationListener {
    final long startedNanos = System.nanoTime();
    final List<Long> tokenNanos = new CopyOnWriteArrayList<>();
    final CompletableFuture<Long> done = new CompletableFuture<>();

    @Override
    public void onToken(GeneratedToken token) { tokenNanos.add(System.nanoTime()); }

    @Override
    public void onComplete(FinishReason reason, Usage usage) { done.complete(System.nanoTime()); }

    @Override
    public void onError(InferenceException error) { done.completeExceptionally(error); }

    long await() { return done.join(); }

    double firstTokenSeconds() { return (tokenNanos.get(0) - startedNanos) / 1e9; }

    /** Tokens after the first per second (the decode rate, prefill excluded). */
    double decodeTokensPerS() {
        int n = tokenNanos.size();
        return (n - 1) / ((tokenNanos.get(n - 1) - tokenNanos.get(0)) / 1e9);
    }
}
