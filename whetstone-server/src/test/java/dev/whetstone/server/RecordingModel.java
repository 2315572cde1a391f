package dev.whetstone.server;

import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.image.ImageInput;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.Generation;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.ModelInfo;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.TokenLogprob;
import dev.whetstone.engine.inference.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a fake served model to see what the API does with it: the options each generation got, cancel calls and how
 * each generation ended. It also fills in top log-probabilities (the fake reports none): the chosen token, then
 * "alt1", "alt2", ... with falling log-probabilities.
 */
final class RecordingModel implements ServedModel {
    private final ServedModel inner;
    private final boolean vision;
    final List<SamplingOptions> options = new CopyOnWriteArrayList<>();
    final List<FinishReason> endings = new CopyOnWriteArrayList<>();
    final AtomicInteger cancels = new AtomicInteger();
    volatile InferenceException refuseWith;
    /** The decoded images each vision prompt was rendered with. */
    final List<List<ImageInput>> images = new CopyOnWriteArrayList<>();

    RecordingModel(ServedModel inner, boolean vision) {
        this.inner = inner;
        this.vision = vision;
    }

    @Override
    public ModelInfo info() {
        ModelInfo i = inner.info();
        return new ModelInfo(i.contextLength(), i.chat(), vision);
    }

    @Override
    public Prompt chatPrompt(List<ChatMessage> messages) { return inner.chatPrompt(messages); }

    /** A vision model's prompt: the fake's text prompt, carrying the images as a vision engine's would. */
    @Override
    public Prompt chatPrompt(List<ChatMessage> messages, List<ImageInput> decoded) {
        if (!vision) return ServedModel.super.chatPrompt(messages, decoded);
        images.add(decoded);
        Prompt text = inner.chatPrompt(messages);
        return new Prompt(text.tokens(), text.text(), decoded);
    }

    @Override
    public Prompt textPrompt(String text) { return inner.textPrompt(text); }

    @Override
    public Generation generate(Prompt prompt, SamplingOptions opts, GenerationListener listener) {
        if (refuseWith != null) throw refuseWith;
        options.add(opts);
        Generation g = inner.generate(prompt, opts, new GenerationListener() {
            @Override
            public void onToken(GeneratedToken token) { listener.onToken(withTop(token, opts.topLogprobs())); }

            @Override
            public void onComplete(FinishReason reason, Usage usage) {
                endings.add(reason);
                listener.onComplete(reason, usage);
            }

            @Override
            public void onError(InferenceException error) { listener.onError(error); }
        });
        return () -> {
            cancels.incrementAndGet();
            g.cancel();
        };
    }

    private static GeneratedToken withTop(GeneratedToken t, int k) {
        if (k <= 0) return t;
        List<TokenLogprob> top = new ArrayList<>();
        top.add(new TokenLogprob(t.id(), t.text(), t.text().getBytes(StandardCharsets.UTF_8), t.logprob()));
        for (int i = 1; i < k; i++) {
            top.add(new TokenLogprob(1000 + i, "alt" + i, ("alt" + i).getBytes(StandardCharsets.UTF_8), t.logprob() - i));
        }
        return new GeneratedToken(t.id(), t.text(), t.logprob(), top);
    }
}
