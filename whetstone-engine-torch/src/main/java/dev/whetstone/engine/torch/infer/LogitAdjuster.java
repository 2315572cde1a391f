package dev.whetstone.engine.torch.infer;

import java.util.HashMap;
import java.util.Map;

/**
 * OpenAI's logit adjustments, applied to the raw logits before temperature: {@code logit_bias} per token, and per
 * token already generated the presence penalty once plus the frequency penalty per occurrence.
 */
final class LogitAdjuster {
    private final double presence;
    private final double frequency;
    private final Map<Integer, Double> bias;
    private final Map<Integer, Integer> counts = new HashMap<>();

    LogitAdjuster(double presence, double frequency, Map<Integer, Double> bias) {
        this.presence = presence;
        this.frequency = frequency;
        this.bias = bias;
    }

    /** Adjusts {@code logits} (V) in place; ids outside the vocabulary are ignored. */
    void apply(float[] logits) {
        bias.forEach((id, b) -> {
            if (id >= 0 && id < logits.length) logits[id] += b.floatValue();
        });
        if (presence == 0 && frequency == 0) return;
        counts.forEach((id, n) -> logits[id] -= (float) (presence + frequency * n));
    }

    /** Records a generated token. */
    void generated(int id) {
        counts.merge(id, 1, Integer::sum);
    }
}
