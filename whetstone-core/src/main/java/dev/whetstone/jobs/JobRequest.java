package dev.whetstone.jobs;

import dev.whetstone.engine.TrainingSpec;

/**
 * A create-job request as the HTTP layer parsed it (JSON shapes are its business; meaning is checked by
 * {@link JobService#create}).
 *
 * @param seed            null: generate one
 * @param hyperparameters null fields mean auto; a {@code dpo} part makes it a DPO job
 * @param method          LoRA unless the request selected full fine-tuning
 */
public record JobRequest(String model, String trainingFile, String validationFile, String suffix, Long seed,
                         TrainingSpec.Hyperparameters hyperparameters, TrainingSpec.Method method) {}
