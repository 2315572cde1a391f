package dev.whetstone.jobs;

import dev.whetstone.error.ApiException;
import dev.whetstone.models.FineTunedModel;
import dev.whetstone.models.ModelUsage;
import java.util.List;
import java.util.Optional;

/**
 * The models jobs produced. Deleting one removes its record, its checkpoints and the job's work folder (where
 * they all live); the job stays, as it does on OpenAI.
 */
public final class FineTunedModels {
    private final JobStores stores;
    private final JobPaths paths;
    private final ModelUsage usage;

    /** @param usage what still needs a model (deployments): deleting such a model answers 409 */
    public FineTunedModels(JobStores stores, JobPaths paths, ModelUsage usage) {
        this.stores = stores;
        this.paths = paths;
        this.usage = usage;
    }

    public List<FineTunedModel> list() { return stores.models().list(); }

    public Optional<FineTunedModel> find(String id) { return stores.models().find(id); }

    public void delete(String id) {
        FineTunedModel model = find(id).orElseThrow(() -> ApiException.notFound("Model", id));
        checkUnused(model.id());
        checkCheckpointsUnused(model.jobId());
        stores.models().delete(model.id());
        deleteCheckpointsAndFolder(model.jobId(), model.dir());
    }

    /** The model, checkpoints and work folder of a finished job that is being deleted. */
    void deleteProductsOf(FineTuningJob job) {
        boolean hasModel = job.fineTunedModel() != null && find(job.fineTunedModel()).isPresent();
        if (hasModel) checkUnused(job.fineTunedModel());
        checkCheckpointsUnused(job.id());
        String modelDir = hasModel ? find(job.fineTunedModel()).map(FineTunedModel::dir).orElse(null) : null;
        if (hasModel) stores.models().delete(job.fineTunedModel());
        deleteCheckpointsAndFolder(job.id(), modelDir);
    }

    private void checkUnused(String modelId) {
        usage.activeUserOf(modelId).ifPresent(user -> {
            throw ApiException.conflict("Model '" + modelId + "' is used by " + user + "; delete that first.");
        });
    }

    /** A deployed checkpoint lives in the job's folder too: deleting the model or job would delete its weights. */
    private void checkCheckpointsUnused(String jobId) {
        for (Checkpoint c : stores.checkpoints().all(jobId)) checkUnused(c.id());
    }

    /** Records first, so nothing lists a folder being deleted; then the stored folders and the local work folder. */
    private void deleteCheckpointsAndFolder(String jobId, String modelDir) {
        List<String> folders = new java.util.ArrayList<>();
        if (modelDir != null) folders.add(modelDir);
        for (Checkpoint c : stores.checkpoints().all(jobId)) {
            stores.checkpoints().delete(c.id());
            folders.add(c.dir());
        }
        paths.deleteJob(jobId, folders);
    }
}
