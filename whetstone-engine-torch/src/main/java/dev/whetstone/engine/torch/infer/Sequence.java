package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.data.ImageFrames;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.Generation;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.OutputConstraint;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.TokenLogprob;
import dev.whetstone.engine.inference.Usage;
import java.util.List;
import java.util.Set;

/**
 * One generation from queueing to its end: the prompt, the sampling state and the text stream. Everything but
 * {@link #cancel()} runs on the scheduler thread; the listener hears exactly one of complete or error.
 */
final class Sequence implements Generation {
    private final TorchServedModel model;
    private final int[] prompt;
    private final ImageFrames images;
    private final SamplingOptions options;
    private final GenerationListener listener;
    private final Sampler sampler;
    private final LogitAdjuster adjuster;
    private final JsonConstraint<?> json; // null unless JSON mode or structured outputs
    private final TextStream text;
    private final TokenText tokenText;
    private final Set<Integer> eos;
    private final int contextLength;
    private final long queuedAtNanos;
    private final Runnable wake;
    private volatile boolean cancelled;
    private boolean done;
    private int generated;
    private int lastToken = -1;
    /** Sampled tokens so far; read only when a cache must be rebuilt (Phi-3 longrope's switch). */
    private int[] sampled = new int[16];
    int slot = -1;

    Sequence(TorchServedModel model, int[] prompt, SamplingOptions options, GenerationListener listener, long seed,
             Runnable wake) {
        this(model, prompt, null, options, listener, seed, wake);
    }

    /** @param images the frames of the prompt's images, in the order of its image tokens; null without */
    Sequence(TorchServedModel model, int[] prompt, ImageFrames images, SamplingOptions options,
             GenerationListener listener, long seed, Runnable wake) {
        this.model = model;
        this.prompt = prompt;
        this.images = images;
        this.options = options;
        this.listener = listener;
        this.sampler = Sampler.of(options.temperature(), options.topP(), seed);
        this.adjuster = new LogitAdjuster(options.presencePenalty(), options.frequencyPenalty(), options.logitBias());
        this.json = switch (options.constraint()) {
            case OutputConstraint.Text ignored -> null;
            case OutputConstraint.JsonObject ignored -> JsonConstraint.object(model.base().tokenBytes(), model.base().eosIds());
            case OutputConstraint.JsonSchema s ->
                    JsonConstraint.schema(model.base().tokenBytes(), model.base().eosIds(), s.schema());
            case OutputConstraint.ToolCall c -> JsonConstraint.toolCall(model.base().tokenBytes(), model.base().eosIds(), c);
        };
        this.text = new TextStream(model.tokenizer().incrementalDecoder(true), options.stop());
        this.tokenText = new TokenText(model.tokenizer());
        this.eos = model.base().eosIds();
        this.contextLength = model.info().contextLength();
        this.queuedAtNanos = System.nanoTime();
        this.wake = wake;
    }

    @Override
    public void cancel() {
        cancelled = true;
        wake.run();
    }

    boolean cancelled() { return cancelled; }

    TorchServedModel model() { return model; }

    int[] prompt() { return prompt; }

    ImageFrames images() { return images; }

    LoraWeights adapter() { return model.adapter(); }

    int lastToken() { return lastToken; }

    /** Tokens in the cache once the last sampled token is fed: the position it goes to. */
    long nextPosition() { return prompt.length + generated - 1L; }

    /** The tokens in this sequence's cache before the last sampled one is fed: the prompt and all but that one. */
    int[] cachedTokens() {
        int[] out = java.util.Arrays.copyOf(prompt, prompt.length + generated - 1);
        System.arraycopy(sampled, 0, out, prompt.length, generated - 1);
        return out;
    }

    long queuedAtNanos() { return queuedAtNanos; }

    boolean done() { return done; }

    /**
     * Samples from this row's logits {@code [offset, offset + V)} and reports the token; ends the generation on
     * EOS, a stop string, max_tokens or a full context.
     */
    void accept(float[] all, int offset, int vocab) {
        float[] logits = java.util.Arrays.copyOfRange(all, offset, offset + vocab);
        adjuster.apply(logits);
        if (json != null) json.mask(logits);
        int id = sampler.sample(logits);
        if (json != null) json.advance(id);
        adjuster.generated(id);
        if (generated == sampled.length) sampled = java.util.Arrays.copyOf(sampled, 2 * generated);
        sampled[generated] = id;
        generated++;
        lastToken = id;
        double logprob = Double.NaN;
        List<TokenLogprob> top = List.of();
        if (options.topLogprobs() >= 0) {
            double t = sampler.temperature();
            double logZ = Probabilities.logNormaliser(logits, t);
            logprob = logits[id] / t - logZ;
            top = Probabilities.top(logits, t, logZ, options.topLogprobs(), tokenText);
        }
        if (eos.contains(id)) {
            String rest = text.finish();
            if (!rest.isEmpty()) listener.onToken(tokenText.generated(id, rest, logprob, top));
            complete(FinishReason.STOP);
            return;
        }
        String piece = text.push(id);
        boolean length = !text.stopped()
                && (generated >= options.maxTokens() || prompt.length + generated >= contextLength);
        if (length) piece += text.finish();
        listener.onToken(tokenText.generated(id, piece, logprob, top));
        if (text.stopped()) complete(FinishReason.STOP);
        else if (length) complete(FinishReason.LENGTH);
    }

    void complete(FinishReason reason) {
        if (done) return;
        done = true;
        listener.onComplete(reason, new Usage(prompt.length, generated));
    }

    void fail(InferenceException error) {
        if (done) return;
        done = true;
        listener.onError(error);
    }
}
