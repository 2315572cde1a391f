package dev.whetstone.jobs;

import dev.whetstone.Ids;

/** Names of what a job produces (docs/reference/API.md 1.3): {@code <base>.ft-<job hex>[-suffix]} and its checkpoints. */
public final class ModelNames {
    private ModelNames() {}

    /** The job's 32 hex digits are reused, so the model is easy to match with its job by eye (never parsed). */
    public static String fineTuned(String rootBase, String jobId, String suffix) {
        String name = rootBase + ".ft-" + Ids.hexOf(jobId);
        return suffix == null ? name : name + "-" + suffix;
    }

    public static String checkpoint(String fineTunedModel, int step) {
        return fineTunedModel + ":ckpt-step-" + step;
    }
}
