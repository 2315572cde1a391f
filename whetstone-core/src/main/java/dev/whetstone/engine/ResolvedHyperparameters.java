package dev.whetstone.engine;

/** Hyperparameters after "auto" was resolved: what the run really uses, reported back on the job. */
public record ResolvedHyperparameters(int nEpochs, int batchSize, double learningRateMultiplier, double learningRate) {}
