package dev.whetstone.server;

import dev.whetstone.safety.SafetyService;
import dev.whetstone.deployments.DeploymentLookup;
import dev.whetstone.deployments.AccountNames;
import dev.whetstone.deployments.Accounts;
import dev.whetstone.deployments.DeploymentService;
import dev.whetstone.files.FileImporter;
import dev.whetstone.files.FileService;
import dev.whetstone.graders.PythonSandbox;
import dev.whetstone.jobs.FineTunedModels;
import dev.whetstone.jobs.JobService;
import dev.whetstone.models.ModelCatalog;
import dev.whetstone.server.api.ModelExportApi;
import dev.whetstone.server.api.inference.InferenceApiOptions;
import dev.whetstone.server.auth.AccountKeys;
import dev.whetstone.server.auth.Credentials;
import dev.whetstone.server.ops.ProcessOps;
import java.util.Set;

/**
 * The core services the HTTP layer calls, built once by {@link Wiring}.
 *
 * @param deployments also the {@link dev.whetstone.deployments.DeploymentLookup} the inference API asks
 * @param credentials admin and inference-only keys and the service's signed tokens, for {@code Auth}
 * @param modelExport the download of models in other tools' formats (the engine's export)
 * @param python      where python graders run (or why they cannot), detected once at start
 * @param ops         drain, metrics, readiness and the process registry row of this replica
 * @param namespaces  the accounts, their homes and which account owns each job (docs/deployments.md, "Accounts")
 */
record Services(
        FileService files,
        FileImporter importer,
        ModelCatalog models,
        JobService jobs,
        FineTunedModels fineTunedModels,
        Set<String> apiKeys,
        ProcessOps ops,
        DeploymentService deployments,
        AccountNames accounts,
        Credentials credentials,
        DeploymentLookup inference,
        InferenceApiOptions inferenceOptions,
        ModelExportApi modelExport,
        SafetyService safety,
        PythonSandbox python,
        AccountKeys accountKeys,
        Accounts namespaces) {

    /** The same services answering inference from {@code lookup} (tests with fakes). */
    Services withInference(DeploymentLookup lookup, InferenceApiOptions options) {
        return new Services(files, importer, models, jobs, fineTunedModels, apiKeys, ops, deployments, accounts,
                credentials, lookup, options, modelExport, safety, python, accountKeys, namespaces);
    }
}
