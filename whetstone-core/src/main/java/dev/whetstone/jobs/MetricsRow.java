package dev.whetstone.jobs;

/** One row of results.csv (API.md 3.12); validation columns are null where there is no value. */
public record MetricsRow(int step, double trainLoss, double trainMeanTokenAccuracy, Double validLoss,
                         Double validMeanTokenAccuracy, Double fullValidLoss, Double fullValidMeanTokenAccuracy) {}
