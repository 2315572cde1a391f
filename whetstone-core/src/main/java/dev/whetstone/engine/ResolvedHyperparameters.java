package dev.whetstone.engine;

/**
 * Hyperparameters after "auto" was resolved: what the run really uses, reported back on the job.
 *
 * @param beta         DPO's beta; null for supervised runs
 * @param l2Multiplier DPO's L2 multiplier; null for supervised runs
 */
public record ResolvedHyperparameters(int nEpochs, int batchSize, double learningRateMultiplier, double learningRate,
                                      Double beta, Double l2Multiplier) {
    public ResolvedHyperparameters(int nEpochs, int batchSize, double learningRateMultiplier, double learningRate) {
        this(nEpochs, batchSize, learningRateMultiplier, learningRate, null, null);
    }

    /** Whether these are a DPO run's. */
    public boolean preference() { return beta != null; }
}
