package dev.whetstone.engine;

/**
 * Resolves "auto" hyperparameters. A pure rule, so the API can show the numbers before training and tests can pin
 * them down.
 *
 * <ul>
 *   <li>n_epochs: 3; raised for tiny sets so examples × epochs ≥ 100 (at most 25 epochs); lowered for huge sets so
 *       examples × epochs ≤ 25 000 (at least 1).</li>
 *   <li>batch_size: 0.2 % of the examples, rounded, within [1, 256], and at most the engine's memory bound
 *       (gradient accumulation makes any batch fit, so the bound only keeps auto batches from getting slow to
 *       start).</li>
 *   <li>learning_rate_multiplier: √(batch / 8) within [1, 2], rounded to 2 decimals — Adam's square-root
 *       scaling of the rate with the batch above a reference batch of 8. Smaller batches keep the full rate: they
 *       are what small sets get, and a small set gets few steps (ten examples: 100 steps at batch 1), too few to
 *       spend at a reduced rate.</li>
 *   <li>learning rate: multiplier × the method's base rate: LoRA 1e-3, full fine-tuning 2e-5 (every weight moves,
 *       and rates above ~5e-5 make small models forget). LoRA's rate is the top of the 1e-4–1e-3 range adapter
 *       recipes use: B starts at zero, so an adapter is slow to get going, and small sets get few steps. Measured
 *       with the Azure how-to's own three conversations repeated to ten lines (answers of ~35 words), 100 steps
 *       at batch 1, the default adapter (docs/BENCHMARKS.md, "Defaults that learn"): at 2.5e-4 (the earlier rule)
 *       tiny-chat ended at loss 1.1 with one answer of three; at 5e-4 tiny-chat learned all three (loss 0.046) but
 *       the GPT-2 demo model tiny-completion did not (loss 1.2, garbled answers); at 1e-3 both answered every
 *       trained question with its trained answer (loss 0.007 and 0.062).</li>
 *   <li>Reinforcement (the same three rules above, then): compute_multiplier 1; group size (answers sampled per
 *       prompt and step) round({@value #RFT_GROUP_PER_COMPUTE} × compute_multiplier) within [2, 64];
 *       eval_interval a tenth of the run's steps (at least 1); eval_samples {@value #RFT_EVAL_SAMPLES} (at most the
 *       validation prompts there are); reasoning_effort "default" (no effect: no reasoning models here); answers
 *       at most {@value #RFT_MAX_ANSWER_TOKENS} tokens; KL weight {@value #RFT_KL_BETA} (TRL GRPO's former
 *       default).</li>
 * </ul>
 */
public final class AutoHyperparameters {
    public static final int RFT_GROUP_PER_COMPUTE = 8;
    public static final int RFT_EVAL_SAMPLES = 8;
    public static final int RFT_MAX_ANSWER_TOKENS = 32;
    public static final double RFT_KL_BETA = 0.04;
    public static final double LORA_BASE_LEARNING_RATE = 1e-3;
    public static final double FULL_BASE_LEARNING_RATE = 2e-5;
    public static final int MAX_BATCH_SIZE = 256;
    /** DPO's base rates are the supervised ones divided by this. */
    public static final double DPO_RATE_DIVISOR = 10;
    public static final double DPO_BETA = 0.1;

    private AutoHyperparameters() {}

    /**
     * @param requested        the job's values; null fields are auto
     * @param examples         training examples (at least 1)
     * @param memoryBatchBound the largest batch the engine wants for auto (≥ 1)
     */
    public static ResolvedHyperparameters resolve(TrainingSpec.Hyperparameters requested, int examples,
                                                  TrainingSpec.Method method, int memoryBatchBound) {
        if (examples < 1) throw new IllegalArgumentException("no training examples");
        int epochs = requested.nEpochs() != null ? requested.nEpochs() : epochs(examples);
        int batch = requested.batchSize() != null ? requested.batchSize() : batchSize(examples, memoryBatchBound);
        double multiplier = requested.learningRateMultiplier() != null ? requested.learningRateMultiplier()
                : multiplier(batch);
        double rate = multiplier * baseLearningRate(method);
        TrainingSpec.Reinforcement rl = requested.reinforcement();
        if (rl != null) {
            long steps = (long) ((examples + batch - 1) / batch) * epochs;
            double compute = rl.computeMultiplier() != null ? rl.computeMultiplier() : 1.0;
            int group = (int) Math.max(2, Math.min(64, Math.round(RFT_GROUP_PER_COMPUTE * compute)));
            int interval = rl.evalInterval() != null ? rl.evalInterval() : (int) Math.max(1, steps / 10);
            int samples = rl.evalSamples() != null ? rl.evalSamples() : RFT_EVAL_SAMPLES;
            String effort = rl.reasoningEffort() != null ? rl.reasoningEffort() : "default";
            return new ResolvedHyperparameters(epochs, batch, multiplier, rate, null, null,
                    new ResolvedHyperparameters.Reinforcement(interval, samples, compute, effort, group,
                            RFT_MAX_ANSWER_TOKENS, RFT_KL_BETA));
        }
        TrainingSpec.Dpo dpo = requested.dpo();
        if (dpo == null) return new ResolvedHyperparameters(epochs, batch, multiplier, rate);
        return new ResolvedHyperparameters(epochs, batch, multiplier, rate / DPO_RATE_DIVISOR,
                dpo.beta() != null ? dpo.beta() : DPO_BETA, dpo.l2Multiplier() != null ? dpo.l2Multiplier() : 0.0);
    }

    static int epochs(int examples) {
        if ((long) examples * 3 < 100) return Math.min(25, (100 + examples - 1) / examples);
        if ((long) examples * 3 > 25_000) return Math.max(1, 25_000 / examples);
        return 3;
    }

    static int batchSize(int examples, int memoryBatchBound) {
        int b = (int) Math.round(examples * 0.002);
        return Math.max(1, Math.min(Math.min(b, MAX_BATCH_SIZE), Math.max(1, memoryBatchBound)));
    }

    static double multiplier(int batch) {
        double m = Math.sqrt(batch / 8.0);
        return Math.round(Math.max(1.0, Math.min(2.0, m)) * 100) / 100.0;
    }

    public static double baseLearningRate(TrainingSpec.Method method) {
        return method == TrainingSpec.Method.FULL ? FULL_BASE_LEARNING_RATE : LORA_BASE_LEARNING_RATE;
    }
}
