package dev.whetstone.engine.torch.model;

import java.util.Arrays;

/**
 * Phi-3's {@code longrope} scaling (transformers' {@code _compute_longrope_parameters} and
 * {@code longrope_frequency_update}): each rotary frequency is divided by a per-pair factor, the short factors while
 * the sequence fits the pre-training context ({@code original_max_position_embeddings}), the long ones beyond it;
 * cos and sin are multiplied by {@code attentionFactor} in both cases.
 *
 * @param shortFactor          one factor per rotated pair (rotary dim / 2)
 * @param longFactor           likewise, for sequences longer than {@code originalMaxPositions}
 * @param originalMaxPositions the pre-training context; a sequence of more tokens uses the long factors
 * @param attentionFactor      rope_scaling's attention_factor, else √(1 + ln(s) / ln(original)) with
 *                             s = max_position_embeddings / original (1 when s ≤ 1)
 */
public record LongRope(double[] shortFactor, double[] longFactor, int originalMaxPositions, double attentionFactor) {
    public LongRope {
        shortFactor = shortFactor.clone();
        longFactor = longFactor.clone();
    }

    /** Whether a sequence of {@code length} tokens rotates with the long factors. */
    public boolean usesLong(long length) { return length > originalMaxPositions; }

    @Override
    public boolean equals(Object o) {
        return o instanceof LongRope r && Arrays.equals(shortFactor, r.shortFactor)
                && Arrays.equals(longFactor, r.longFactor) && originalMaxPositions == r.originalMaxPositions
                && Double.compare(attentionFactor, r.attentionFactor) == 0;
    }

    @Override
    public int hashCode() { return Arrays.hashCode(shortFactor) * 31 + Arrays.hashCode(longFactor); }

    @Override
    public String toString() {
        return "LongRope[short=" + Arrays.toString(shortFactor) + ", long=" + Arrays.toString(longFactor)
                + ", original=" + originalMaxPositions + ", attentionFactor=" + attentionFactor + "]";
    }
}
