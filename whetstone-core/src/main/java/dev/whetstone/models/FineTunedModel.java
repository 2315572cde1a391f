package dev.whetstone.models;

/**
 * A model a job produced: {@code <base>.ft-<job hex>[-suffix]}.
 *
 * @param baseModel the base model id its weights start from (for continuous fine-tuning, the root base)
 * @param jobId     the job that produced it (the stored link; never parsed out of the name)
 * @param dir       the adapter or full checkpoint folder, relative to the data folder
 */
public record FineTunedModel(String id, long createdAt, String baseModel, String jobId, String dir, String status) {}
