package dev.whetstone.models;

import dev.whetstone.safety.SafetyCheck;

/**
 * A model a job produced: {@code <base>.ft-<job hex>[-suffix]}.
 *
 * @param baseModel  the base model id its weights start from (for continuous fine-tuning, the root base)
 * @param jobId      the job that produced it (the stored link; never parsed out of the name)
 * @param dir        the adapter or full checkpoint folder, relative to the data folder
 * @param evaluation its model evaluation (docs/safety.md); null when it was made before the service evaluated models
 */
public record FineTunedModel(String id, long createdAt, String baseModel, String jobId, String dir, String status,
                             SafetyCheck evaluation) {
    /** A model with no evaluation on record. */
    public FineTunedModel(String id, long createdAt, String baseModel, String jobId, String dir, String status) {
        this(id, createdAt, baseModel, jobId, dir, status, null);
    }

    /** Whether it may be deployed: not when its evaluation failed or could not be completed. */
    public boolean deployable() { return evaluation == null || evaluation.deployable(); }
}
