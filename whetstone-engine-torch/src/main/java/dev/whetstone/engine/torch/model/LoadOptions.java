package dev.whetstone.engine.torch.model;

/**
 * How to load a checkpoint.
 *
 * @param precision weight dtype
 * @param trainable true for full fine-tuning: every weight becomes a leaf tensor that requires grad
 */
public record LoadOptions(Precision precision, boolean trainable) {
    /** Frozen weights for LoRA training or inference, in the fastest precision of this CPU. */
    public static LoadOptions frozen() { return new LoadOptions(Precision.bestFrozen(), false); }

    /** All weights trainable in fp32 (full fine-tuning). */
    public static LoadOptions fullTraining() { return new LoadOptions(Precision.FP32, true); }
}
