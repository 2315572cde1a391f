package dev.whetstone.engine;

import java.nio.file.Path;

/**
 * How a run ended.
 *
 * @param modelDir the final adapter or full checkpoint (COMPLETED), else null
 * @param trainedTokens billable tokens: training tokens × epochs actually run
 */
public record TrainingOutcome(Status status, Path modelDir, long trainedTokens, ResolvedHyperparameters hyperparameters) {
    public enum Status { COMPLETED, CANCELLED, PAUSED }
}
