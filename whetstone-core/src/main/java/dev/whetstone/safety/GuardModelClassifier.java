package dev.whetstone.safety;

import dev.whetstone.deployments.DeploymentLookup;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.Generation;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.Usage;
import dev.whetstone.error.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A deployment of this service used as a classifier: the text goes to it in the guard's prompt format
 * ({@link GuardFormat}), it answers greedily in a few tokens, and the answer is parsed into categories. A guard
 * that is missing, not loaded, slow or answering out of format yields a failed classification (reported in the
 * annotations' {@code error}), never an exception.
 */
final class GuardModelClassifier implements SafetyClassifier {
    /**
     * A completion is judged every this many tokens (and at its end), not on each: one guard check costs a
     * generation over the whole guard prompt, about as much as a short chat request (docs/BENCHMARKS.md).
     */
    static final int CHECK_EVERY = 16;

    private final DeploymentLookup deployments;
    private final String deployment;
    private final GuardFormat format;
    private final Source source;
    private final Duration timeout;

    GuardModelClassifier(DeploymentLookup deployments, String deployment, GuardFormat format, Source source,
                         Duration timeout) {
        this.deployments = deployments;
        this.deployment = deployment;
        this.format = format;
        this.source = source;
        this.timeout = timeout;
    }

    @Override
    public int checkEvery() { return source == Source.COMPLETION ? CHECK_EVERY : 1; }

    @Override
    public Classification classify(String text) {
        try {
            ServedModel model = deployments.live(deployment).model();
            List<GuardFormat.Request> requests = format.requests(text, source);
            List<CompletableFuture<String>> answers = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (GuardFormat.Request r : requests) { // all at once: the engine batches them (ShieldGemma asks four)
                answers.add(answer(model, r.raw() != null ? model.textPrompt(r.raw()) : model.chatPrompt(r.messages())));
            }
            List<String> texts = new ArrayList<>();
            try {
                for (CompletableFuture<String> a : answers) {
                    texts.add(a.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                }
            } finally {
                answers.forEach(a -> a.cancel(true));
            }
            return format.read(texts);
        } catch (ApiException | InferenceException e) {
            return Classification.failed("guard deployment '" + deployment + "': " + e.getMessage());
        } catch (TimeoutException e) {
            return Classification.failed("guard deployment '" + deployment + "' did not answer within "
                    + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Classification.failed("guard deployment '" + deployment + "': interrupted");
        } catch (ExecutionException e) {
            return Classification.failed("guard deployment '" + deployment + "': " + e.getCause().getMessage());
        }
    }

    /** Queues one greedy answer; cancelling the future cancels the generation. */
    private CompletableFuture<String> answer(ServedModel model, Prompt prompt) {
        CompletableFuture<String> done = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        Generation generation = model.generate(prompt, SamplingOptions.greedy(format.maxTokens()), new GenerationListener() {
            @Override
            public void onToken(GeneratedToken token) { text.append(token.text()); }

            @Override
            public void onComplete(FinishReason reason, Usage usage) { done.complete(text.toString()); }

            @Override
            public void onError(InferenceException error) { done.completeExceptionally(error); }
        });
        done.whenComplete((v, e) -> {
            if (done.isCancelled()) generation.cancel();
        });
        return done;
    }
}
