package dev.whetstone.jobs;

import java.util.Map;

/**
 * A checkpoint (docs/reference/API.md 3.11): the model as it was at the end of an epoch.
 *
 * @param fineTunedModelCheckpoint the deployable name, {@code <model>:ckpt-step-<N>}
 * @param dir                       adapter or full checkpoint folder, relative to the data folder
 */
public record Checkpoint(String id, String jobId, long createdAt, int stepNumber, String fineTunedModelCheckpoint,
                         Map<String, Double> metrics, String dir) {}
