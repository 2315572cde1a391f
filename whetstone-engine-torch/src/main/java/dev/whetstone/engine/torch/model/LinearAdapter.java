package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.kernel.RowWeights;
import org.bytedeco.pytorch.Tensor;

/** A trainable addition to a frozen linear layer (LoRA): its output is added to the base projection's. */
public interface LinearAdapter {
    /** The adapter's contribution for input {@code x} (…, in) → (…, out), in x's dtype. */
    Tensor delta(Tensor x);

    /**
     * Adds this adapter's contribution to the base projection {@code y} (…, out) of {@code x} (…, in), in place
     * where it can. Overridden by adapters that treat batch rows differently (per-sequence LoRA in serving).
     */
    default Tensor apply(Tensor x, Tensor y) {
        return y.add_(delta(x));
    }

    /**
     * The decode kernels' form of {@link #apply}: adds this adapter's contribution for m input rows {@code x}
     * (m · in fp32 values) into columns {@code offset …} of the m output rows of {@code y} (row stride
     * {@code stride}). @return false when this adapter only works on tensors (the caller then applies it there)
     */
    default boolean addRows(float[] x, int m, float[] y, int stride, int offset) {
        return false;
    }

    /**
     * Host decode steps ({@link HostDecoder}): each of the m rows' LoRA factors for this layer, {A (r × in),
     * (s·B)ᵀ (r × out)} as host copies, or null for a row this adapter leaves alone; null when it has no host copies.
     */
    default RowWeights[][] rowFactors(int m) {
        return null;
    }

    /**
     * This adapter as plain LoRA while it is switched on: delta(x) = scaling · B·A·dropout(x), so that the adapters
     * of projections reading the same input can run as one product each for A and B (training's stacked q/k/v and
     * gate/up, {@link FusedLinear}); null when it is switched off or not of that form (callers then use
     * {@link #apply}).
     */
    default LowRank lowRank() {
        return null;
    }

    /**
     * @param a       (r, in), the trained leaf (cast to the activations' dtype at use)
     * @param b       (out, r)
     * @param dropout the input dropout probability in effect now (0 outside training)
     */
    record LowRank(Tensor a, Tensor b, double scaling, double dropout) {}
}
