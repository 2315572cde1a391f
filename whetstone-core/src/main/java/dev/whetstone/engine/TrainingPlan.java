package dev.whetstone.engine;

/**
 * What the trainer decided before the first step.
 *
 * @param truncatedExamples examples cut to the context length (reported as a warning)
 */
public record TrainingPlan(
        ResolvedHyperparameters hyperparameters,
        int trainingExamples,
        int validationExamples,
        long trainingTokens,
        int truncatedExamples,
        int stepsPerEpoch,
        int totalSteps,
        int startStep) {}
