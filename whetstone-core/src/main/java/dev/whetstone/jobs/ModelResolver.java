package dev.whetstone.jobs;

import dev.whetstone.error.ApiException;
import dev.whetstone.models.BaseModel;
import dev.whetstone.models.FineTunedModel;
import dev.whetstone.models.ModelCatalog;
import dev.whetstone.store.CheckpointStore;
import dev.whetstone.store.JobStore;
import dev.whetstone.store.ModelStore;
import java.util.Optional;

/**
 * Resolves what clients may fine-tune: a base model (id or alias), a fine-tuned model (continuous fine-tuning)
 * or a checkpoint (by {@code ftchkpt-…} id or {@code …:ckpt-step-N} name). Failures are 400s naming {@code model}.
 */
public final class ModelResolver {
    /** Checkpoint → job → model chains are short; a longer one means a cycle in corrupted data. */
    private static final int MAX_DEPTH = 32;

    private final ModelCatalog catalog;
    private final ModelStore models;
    private final CheckpointStore checkpoints;
    private final JobStore jobs;

    public ModelResolver(ModelCatalog catalog, ModelStore models, CheckpointStore checkpoints, JobStore jobs) {
        this.catalog = catalog;
        this.models = models;
        this.checkpoints = checkpoints;
        this.jobs = jobs;
    }

    public ModelCatalog catalog() { return catalog; }

    /** Whether {@code name} is a checkpoint, by {@code ftchkpt-…} id or {@code …:ckpt-step-N} name. */
    public boolean isCheckpoint(String name) { return checkpoints.find(name).isPresent(); }

    public ResolvedModel resolve(String name) {
        return resolve(name, 0);
    }

    private ResolvedModel resolve(String name, int depth) {
        if (depth > MAX_DEPTH) throw invalid("The lineage of model '" + name + "' is too deep or circular.");
        Optional<BaseModel> base = catalog.findBase(name);
        if (base.isPresent()) return new ResolvedModel(name, name, base.get(), null);
        Optional<FineTunedModel> ft = models.find(name);
        if (ft.isPresent()) {
            BaseModel root = catalog.findBase(ft.get().baseModel()).orElseThrow(() -> invalid("Fine-tuned model '"
                    + name + "' needs base model '" + ft.get().baseModel() + "', which is no longer in the models folder."));
            return new ResolvedModel(name, ft.get().baseModel(), root, ft.get().dir());
        }
        Optional<Checkpoint> checkpoint = checkpoints.find(name);
        if (checkpoint.isPresent()) {
            FineTuningJob job = jobs.find(checkpoint.get().jobId()).orElseThrow(() -> invalid("Checkpoint '" + name
                    + "' belongs to job '" + checkpoint.get().jobId() + "', which no longer exists."));
            ResolvedModel parent = resolve(job.model(), depth + 1);
            return new ResolvedModel(name, parent.rootBase(), parent.base(), checkpoint.get().dir());
        }
        throw invalid("Model '" + name + "' was not found. Use a base model (" + baseNames()
                + "), a fine-tuned model id, or a checkpoint id (ftchkpt-…) or name (…:ckpt-step-N).");
    }

    private String baseNames() {
        var names = new java.util.ArrayList<String>();
        catalog.baseModels().forEach(m -> names.add(m.id()));
        names.addAll(catalog.aliases().keySet());
        return names.isEmpty() ? "none installed" : String.join(", ", names.stream().sorted().toList());
    }

    private static ApiException invalid(String message) {
        return ApiException.invalid("model", message);
    }
}
