package dev.whetstone.engine;

/**
 * Hyperparameters after "auto" was resolved: what the run really uses, reported back on the job.
 *
 * @param beta          DPO's beta; null otherwise
 * @param l2Multiplier  DPO's L2 multiplier; null otherwise
 * @param reinforcement a reinforcement run's own settings; null otherwise
 */
public record ResolvedHyperparameters(int nEpochs, int batchSize, double learningRateMultiplier, double learningRate,
                                      Double beta, Double l2Multiplier, Reinforcement reinforcement) {
    public ResolvedHyperparameters(int nEpochs, int batchSize, double learningRateMultiplier, double learningRate) {
        this(nEpochs, batchSize, learningRateMultiplier, learningRate, null, null, null);
    }

    public ResolvedHyperparameters(int nEpochs, int batchSize, double learningRateMultiplier, double learningRate,
                                   Double beta, Double l2Multiplier) {
        this(nEpochs, batchSize, learningRateMultiplier, learningRate, beta, l2Multiplier, null);
    }

    /** Whether these are a DPO run's. */
    public boolean preference() { return beta != null; }

    /** Whether these are a reinforcement run's. */
    public boolean reinforcementRun() { return reinforcement != null; }

    /**
     * A reinforcement run's resolved settings.
     *
     * @param groupSize answers sampled per prompt and step: {@code round(8 × compute_multiplier)}, within [2, 64]
     * @param maxAnswerTokens the bound on each sampled answer's length
     * @param klBeta    the weight of the KL penalty to the reference model
     */
    public record Reinforcement(int evalInterval, int evalSamples, double computeMultiplier, String reasoningEffort,
                                int groupSize, int maxAnswerTokens, double klBeta) {}
}
