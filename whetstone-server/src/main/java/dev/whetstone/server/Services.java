package dev.whetstone.server;

import dev.whetstone.deployments.DeploymentLookup;
import dev.whetstone.files.FileImporter;
import dev.whetstone.files.FileService;
import dev.whetstone.jobs.FineTunedModels;
import dev.whetstone.jobs.JobService;
import dev.whetstone.models.ModelCatalog;
import dev.whetstone.server.api.inference.InferenceOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;

/** The core services the HTTP layer calls, built once by {@link Wiring}. */
record Services(
        FileService files,
        FileImporter importer,
        ModelCatalog models,
        JobService jobs,
        FineTunedModels fineTunedModels,
        Set<String> apiKeys,
        PrometheusMeterRegistry metrics,
        DeploymentLookup deployments,
        InferenceOptions inferenceOptions) {

    /** The same services answering inference from {@code lookup} (tests: fakes; later: the deployment service). */
    Services withInference(DeploymentLookup lookup, InferenceOptions options) {
        return new Services(files, importer, models, jobs, fineTunedModels, apiKeys, metrics, lookup, options);
    }
}
