package dev.whetstone.engine.torch.model;

/**
 * How to load a checkpoint.
 *
 * @param precision weight dtype
 * @param trainable true for full fine-tuning: every weight becomes a leaf tensor that requires grad
 * @param compute   dtype the activations and matrix products are computed in: the weight dtype; or BF16 over FP32
 *                  weights (mixed precision: each use casts the weight, differentiably, as PyTorch's autocast does,
 *                  so gradients, master weights and optimizer state stay fp32); or FP32 over frozen BF16 or INT8
 *                  weights (serving on a CPU without bf16 arithmetic, see {@link #serving})
 */
public record LoadOptions(Precision precision, boolean trainable, Precision compute) {
    public LoadOptions {
        boolean mixed = precision == Precision.FP32 && compute == Precision.BF16;
        boolean widened = !trainable && compute == Precision.FP32
                && (precision == Precision.BF16 || precision == Precision.INT8);
        if (compute != precision && !mixed && !widened) {
            throw new IllegalArgumentException("computing in " + compute + " over " + precision
                    + (trainable ? " trainable" : "") + " weights is not supported; only BF16 over FP32 (mixed"
                    + " precision) and FP32 over frozen BF16 or INT8 (serving)");
        }
    }

    /**
     * Serving weights held in {@code precision}. Where the CPU has no bf16 arithmetic (no AVX512-BF16 or AMX),
     * bf16 and int8 models compute in fp32 over their bf16 weights (each use widens the weight, exactly): libtorch
     * emulates bf16 products there, and a 128-token prefill of the SmolLM2-135M shape took 1.73 s in bf16 against
     * 0.27 s in fp32 on an AVX2-only EPYC (docs/BENCHMARKS.md). Decode steps read the weights in their own format
     * either way (the host decoder widens as it multiplies); the memory held is the served format's.
     */
    public static LoadOptions serving(Precision precision) {
        boolean widen = (precision == Precision.BF16 || precision == Precision.INT8) && !Precision.cpuHasNativeBf16();
        return new LoadOptions(precision, false, widen ? Precision.FP32 : precision);
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
