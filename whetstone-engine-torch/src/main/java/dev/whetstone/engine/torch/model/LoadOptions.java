package dev.whetstone.engine.torch.model;

/**
 * How to load a checkpoint.
 *
 * @param precision weight dtype
 * @param trainable true for full fine-tuning: every weight becomes a leaf tensor that requires grad
 * @param compute   dtype the activations and matrix products are computed in: the weight dtype, or BF16 over FP32
 *                  weights (mixed precision: each use casts the weight, differentiably, as PyTorch's autocast does,
 *                  so gradients, master weights and optimizer state stay fp32)
 */
public record LoadOptions(Precision precision, boolean trainable, Precision compute) {
    public LoadOptions {
        if (compute != precision && !(precision == Precision.FP32 && compute == Precision.BF16)) {
            throw new IllegalArgumentException("computing in " + compute + " over " + precision
                    + " weights is not supported; only BF16 over FP32 (mixed precision)");
        }
    }

    /** Weights computed in their own dtype. */
    public LoadOptions(Precision precision, boolean trainable) { this(precision, trainable, precision); }

    /** Frozen weights for LoRA training or inference, in the fastest precision of this CPU. */
    public static LoadOptions frozen() { return new LoadOptions(Precision.bestFrozen(), false); }

    /** All weights trainable in fp32 (full fine-tuning), computed in fp32. */
    public static LoadOptions fullTraining() { return fullTraining(Precision.FP32); }

    /** All weights trainable fp32 masters, computed in {@code compute} (FP32, or BF16: mixed precision). */
    public static LoadOptions fullTraining(Precision compute) { return new LoadOptions(Precision.FP32, true, compute); }

    /** Whether weights are cast to another dtype at each use. */
    public boolean mixed() { return compute != precision; }
}
