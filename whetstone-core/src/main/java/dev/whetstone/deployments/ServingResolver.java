package dev.whetstone.deployments;

import dev.whetstone.artifacts.ArtifactStore;
import dev.whetstone.engine.inference.ServingSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.whetstone.error.ApiException;
import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobPaths;
import dev.whetstone.jobs.JobStores;
import dev.whetstone.jobs.ModelResolver;
import dev.whetstone.jobs.ResolvedModel;
import dev.whetstone.models.BaseModel;
import dev.whetstone.models.FineTunedModel;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Turns {@code properties.model.name} into what the engine serves: the base folder, plus the adapter or full
 * checkpoint of a fine-tuned model or checkpoint. Uses the same resolution as fine-tuning jobs.
 */
final class ServingResolver {
    private final ModelResolver resolver;
    private final JobStores stores;
    private final JobPaths paths;

    ServingResolver(ModelResolver resolver, JobStores stores, JobPaths paths) {
        this.resolver = resolver;
        this.stores = stores;
        this.paths = paths;
    }

    /**
     * What the engine loads, with the fine-tuned weights checked out of the artifact store (on another machine's
     * store: downloaded into this process's cache) and pinned there until the result is closed.
     *
     * @throws ApiException 400 naming properties.model.name when the model is unknown or not deployable
     */
    Served checkout(String deploymentName, String modelName) {
        ResolvedModel model = check(modelName);
        ArtifactStore.Checkout base = null;
        try {
            base = model.base().checkout(paths.artifacts());
            ArtifactStore.Checkout weights = model.initDir() == null ? null : paths.artifacts().checkout(model.initDir());
            return new Served(new ServingSpec(deploymentName, base.dir(), weights == null ? null : weights.dir()),
                    base, weights);
        } catch (IOException e) {
            if (base != null) base.close();
            throw new UncheckedIOException("the weights of '" + modelName + "' could not be read from storage: "
                    + e.getMessage(), e);
        }
    }

    /** A deployment's loaded spec and the checkouts that keep its folders in the cache while it is served. */
    record Served(ServingSpec spec, ArtifactStore.Checkout base, ArtifactStore.Checkout weights)
            implements AutoCloseable {
        @Override
        public void close() {
            base.close();
            if (weights != null) weights.close();
        }
    }

    /** @throws ApiException 400 naming properties.model.name when the model is unknown or not deployable */
    ResolvedModel check(String modelName) {
        ResolvedModel model;
        try {
            model = resolver.resolve(modelName);
        } catch (ApiException e) {
            throw ApiException.invalid("properties.model.name", "properties.model.name '" + modelName
                    + "' cannot be deployed: " + e.getMessage());
        }
        requireEvaluationPassed(modelName);
        return model;
    }

    /**
     * A fine-tuned model whose model evaluation failed is not deployable (docs/safety.md), nor are its job's
     * checkpoints: they come from the same training data, and only the final model was evaluated.
     */
    private void requireEvaluationPassed(String modelName) {
        Optional<FineTunedModel> model = stores.models().find(modelName);
        if (model.isEmpty()) {
            model = stores.checkpoints().find(modelName).flatMap(c -> stores.jobs().find(c.jobId()))
                    .map(FineTuningJob::fineTunedModel).flatMap(m -> stores.models().find(m));
        }
        model.filter(m -> !m.deployable()).ifPresent(m -> {
            throw ApiException.invalid("properties.model.name", m.evaluation().undeployableMessage());
        });
    }

    /** The job a fine-tuned model or checkpoint comes from; empty for a base model (or an unknown name). */
    Optional<String> ownerJob(String modelName) {
        Optional<String> job = stores.models().find(modelName).map(FineTunedModel::jobId);
        return job.isPresent() ? job : stores.checkpoints().find(modelName).map(Checkpoint::jobId);
    }

    /** Whether the model has a chat template; empty when it no longer resolves. */
    Optional<Boolean> chat(String modelName) {
        return base(modelName).map(BaseModel::chat);
    }

    /** Whether the model sees images (its base has a vision tower); empty when it no longer resolves. */
    Optional<Boolean> vision(String modelName) {
        return base(modelName).map(BaseModel::vision);
    }

    private Optional<BaseModel> base(String modelName) {
        try {
            return Optional.of(resolver.resolve(modelName).base());
        } catch (ApiException e) {
            return Optional.empty();
        }
    }

    /**
     * Every name the deployed model goes by, and those of what it depends on: a checkpoint's id and name, and
     * the fine-tuned model and job whose folder holds it (deleting either would delete the weights served).
     */
    static Set<String> dependencies(JobStores stores, String modelName) {
        Set<String> names = new LinkedHashSet<>();
        names.add(modelName);
        Optional<Checkpoint> checkpoint = stores.checkpoints().find(modelName);
        checkpoint.ifPresent(c -> {
            names.add(c.id());
            names.add(c.fineTunedModelCheckpoint());
            names.add(c.jobId());
            stores.jobs().find(c.jobId()).map(FineTuningJob::fineTunedModel).ifPresent(names::add);
        });
        return names;
    }
}
