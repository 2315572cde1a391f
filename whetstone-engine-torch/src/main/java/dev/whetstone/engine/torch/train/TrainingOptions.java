package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.lora.LoraConfig;
import dev.whetstone.engine.torch.model.Precision;

/**
 * Engine settings that the fine-tuning API does not expose.
 *
 * @param lora                  LoRA shape; null for {@link LoraConfig#defaults} of the model's architecture
 * @param threads               libtorch intra-op threads (fixed, so reductions and results are reproducible)
 * @param activationMemoryBytes budget for one micro-batch's activations; larger batches are accumulated
 * @param validEvery            steps between single-batch validation metrics
 * @param resumeEvery           steps between resume points (besides epoch ends and pauses); 0 for none
 * @param warmupFraction        share of the steps with a linearly rising learning rate (at least one step)
 * @param weightDecay           AdamW decoupled weight decay on matrices (not on norms or biases)
 * @param maxGradNorm           gradient clipping threshold (global L2 norm)
 * @param maxSequenceLength     examples are cut to min(this, the model's context)
 * @param packing               pack each step's examples into shared rows of up to maxSequenceLength tokens
 *                              (block-diagonal attention, positions restarting per example) instead of padding
 *                              every example to the micro-batch's longest; same loss, different speed (README)
 * @param frozenPrecision       dtype of the frozen base in LoRA runs (fixed, so the numbers do not depend on
 *                              whether this CPU happens to have native bf16)
 * @param fullPrecision         compute dtype of full fine-tuning: FP32, or BF16 = mixed precision (bf16 activations
 *                              and matrix products over fp32 master weights, fp32 gradients and optimizer state)
 */
public record TrainingOptions(LoraConfig lora, int threads, long activationMemoryBytes, int validEvery,
                              int resumeEvery, double warmupFraction, double weightDecay, double maxGradNorm,
                              int maxSequenceLength, boolean packing,
                              Precision frozenPrecision, Precision fullPrecision) {

    public TrainingOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1");
        if (validEvery < 1) throw new IllegalArgumentException("validEvery must be ≥ 1");
        if (frozenPrecision == null) throw new IllegalArgumentException("frozenPrecision is required");
        if (fullPrecision != Precision.FP32 && fullPrecision != Precision.BF16) {
            throw new IllegalArgumentException("fullPrecision must be FP32 or BF16 (mixed precision)");
        }
    }

    /**
     * All processors; a quarter of physical memory (at most 8 GB) for activations; validation every 10 steps;
     * a resume point every 50 steps; 3 % warm-up; weight decay 0.01; clipping at 1.0;
     * sequences up to 2 048 tokens; no packing; the frozen base in this CPU's fastest precision, and full
     * fine-tuning in mixed precision where this CPU computes bf16 natively (fp32 elsewhere).
     */
    public static TrainingOptions defaults() {
        long budget = Math.min(8L << 30, ProcessMemory.totalPhysicalBytes() / 4);
        return new TrainingOptions(null, Runtime.getRuntime().availableProcessors(), Math.max(256L << 20, budget),
                10, 50, 0.03, 0.01, 1.0, 2048, false, Precision.bestFrozen(), Precision.bestFrozen());
    }

    public TrainingOptions withLora(LoraConfig lora) {
        return new TrainingOptions(lora, threads, activationMemoryBytes, validEvery, resumeEvery, warmupFraction,
                weightDecay, maxGradNorm, maxSequenceLength, packing, frozenPrecision, fullPrecision);
    }

    public TrainingOptions withThreads(int threads) {
        return new TrainingOptions(lora, threads, activationMemoryBytes, validEvery, resumeEvery, warmupFraction,
                weightDecay, maxGradNorm, maxSequenceLength, packing, frozenPrecision, fullPrecision);
    }

    public TrainingOptions withActivationMemory(long bytes) {
        return new TrainingOptions(lora, threads, bytes, validEvery, resumeEvery, warmupFraction, weightDecay,
                maxGradNorm, maxSequenceLength, packing, frozenPrecision, fullPrecision);
    }

    public TrainingOptions withValidEvery(int steps) {
        return new TrainingOptions(lora, threads, activationMemoryBytes, steps, resumeEvery, warmupFraction,
                weightDecay, maxGradNorm, maxSequenceLength, packing, frozenPrecision, fullPrecision);
    }

    public TrainingOptions withResumeEvery(int steps) {
        return new TrainingOptions(lora, threads, activationMemoryBytes, validEvery, steps, warmupFraction,
                weightDecay, maxGradNorm, maxSequenceLength, packing, frozenPrecision, fullPrecision);
    }

    public TrainingOptions withPacking(boolean on) {
        return new TrainingOptions(lora, threads, activationMemoryBytes, validEvery, resumeEvery, warmupFraction,
                weightDecay, maxGradNorm, maxSequenceLength, on, frozenPrecision, fullPrecision);
    }

    public TrainingOptions withFrozenPrecision(Precision p) {
        return new TrainingOptions(lora, threads, activationMemoryBytes, validEvery, resumeEvery, warmupFraction,
                weightDecay, maxGradNorm, maxSequenceLength, packing, p, fullPrecision);
    }

    /** Full fine-tuning's compute precision: FP32, or BF16 for mixed precision (fp32 masters and state). */
    public TrainingOptions withFullPrecision(Precision p) {
        return new TrainingOptions(lora, threads, activationMemoryBytes, validEvery, resumeEvery, warmupFraction,
                weightDecay, maxGradNorm, maxSequenceLength, packing, frozenPrecision, p);
    }
}
