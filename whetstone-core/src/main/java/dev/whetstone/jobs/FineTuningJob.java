package dev.whetstone.jobs;

import dev.whetstone.engine.ResolvedHyperparameters;
import dev.whetstone.engine.TrainingSpec;
import java.util.List;

/**
 * A fine-tuning job as stored.
 *
 * @param model           the model the client asked for (base id, alias, fine-tuned model or checkpoint)
 * @param requested       hyperparameters as requested; null fields are "auto"
 * @param resolved        what training really uses; null until the worker resolved them
 * @param resultFiles     file ids of results.csv; empty until it exists
 * @param version         bumped on every update; updates compare it (optimistic concurrency)
 * @param leaseOwner      the worker holding the job while it runs, or null
 * @param leaseExpiresAt  epoch milliseconds after which another worker may take the job over
 */
public record FineTuningJob(
        String id,
        long createdAt,
        JobStatus status,
        String model,
        String trainingFile,
        String validationFile,
        String suffix,
        long seed,
        TrainingSpec.Hyperparameters requested,
        ResolvedHyperparameters resolved,
        TrainingSpec.Method method,
        String fineTunedModel,
        List<String> resultFiles,
        Long trainedTokens,
        Long finishedAt,
        Long estimatedFinish,
        JobError error,
        int version,
        String leaseOwner,
        Long leaseExpiresAt,
        boolean cancelRequested,
        boolean pauseRequested) {

    public FineTuningJob {
        resultFiles = List.copyOf(resultFiles);
    }
}
