package dev.whetstone.jobs;

import dev.whetstone.engine.TrainingSpec;
import java.util.List;
import java.util.Map;

/**
 * A create-job request as the HTTP layer parsed it (JSON shapes are its business; meaning is checked by
 * {@link JobService#create}).
 *
 * @param seed            null: generate one
 * @param hyperparameters null fields mean auto; a {@code dpo} part makes it a DPO job
 * @param method          LoRA unless the request selected full fine-tuning
 * @param metadata        null or the client's string pairs ({@link JobMetadata})
 * @param integrations    the requested integrations, stored and returned, never called ({@link JobIntegration})
 */
public record JobRequest(String model, String trainingFile, String validationFile, String suffix, Long seed,
                         TrainingSpec.Hyperparameters hyperparameters, TrainingSpec.Method method,
                         Map<String, String> metadata, List<JobIntegration> integrations) {
    /** A request without metadata or integrations. */
    public JobRequest(String model, String trainingFile, String validationFile, String suffix, Long seed,
                      TrainingSpec.Hyperparameters hyperparameters, TrainingSpec.Method method) {
        this(model, trainingFile, validationFile, suffix, seed, hyperparameters, method, null, List.of());
    }
}
