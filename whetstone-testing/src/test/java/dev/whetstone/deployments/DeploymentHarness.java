package dev.whetstone.deployments;

import dev.whetstone.files.FileService;
import dev.whetstone.files.FileValidation;
import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.jobs.FineTunedModels;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobPaths;
import dev.whetstone.jobs.JobService;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.jobs.JobStores;
import dev.whetstone.jobs.ModelResolver;
import dev.whetstone.models.BaseModel;
import dev.whetstone.models.FineTunedModel;
import dev.whetstone.models.ModelCatalog;
import dev.whetstone.testing.FakeInferenceEngine;
import dev.whetstone.testing.FakeModels;
import dev.whetstone.testing.InMemoryBlobStore;
import dev.whetstone.testing.InMemoryCheckpointStore;
import dev.whetstone.testing.InMemoryDeploymentStore;
import dev.whetstone.testing.InMemoryFileStore;
import dev.whetstone.testing.InMemoryJobEventStore;
import dev.whetstone.testing.InMemoryJobStore;
import dev.whetstone.testing.InMemoryModelStore;
import dev.whetstone.testing.JobStoreContract;
import dev.whetstone.testing.ManualClock;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * A DeploymentService over in-memory stores, fake model folders, the FakeInferenceEngine and a manual clock.
 * Background loads wait in a queue until the test runs them, so every state in between can be observed.
 */
final class DeploymentHarness {
    static final String JOB = "ftjob-0123456789abcdef0123456789abcdef";
    static final String MODEL = "tiny-chat.ft-0123456789abcdef0123456789abcdef";
    static final String CHECKPOINT = "ftchkpt-00000000000000000000000000000001";
    static final String CHECKPOINT_NAME = MODEL + ":ckpt-step-10";

    final ManualClock clock = new ManualClock();
    final JobStores stores = new JobStores(new InMemoryJobStore(), new InMemoryJobEventStore(),
            new InMemoryCheckpointStore(), new InMemoryModelStore());
    final InMemoryDeploymentStore store = new InMemoryDeploymentStore();
    final FakeInferenceEngine engine = new FakeInferenceEngine();
    final Queue<Runnable> pendingLoads = new ArrayDeque<>();
    final Executor loads = pendingLoads::add;
    final BaseModel chatModel;
    final ModelResolver resolver;
    final JobPaths paths;
    final FineTunedModels fineTuned;
    final JobService jobs;
    final Path dataDir;
    DeploymentService service;

    DeploymentHarness(Path dataDir, Set<String> accounts) {
        this.dataDir = dataDir;
        Path models = dataDir.resolve("models");
        chatModel = new BaseModel("tiny-chat", FakeModels.create(models, "tiny-chat", true), "LlamaForCausalLM", true, 1);
        BaseModel completion = new BaseModel("tiny-completion", FakeModels.create(models, "tiny-completion", false),
                "GPT2LMHeadModel", false, 1);
        ModelCatalog catalog = new ModelCatalog(() -> List.of(chatModel, completion), Map.of("gpt-35-turbo-0613", "tiny-chat"));
        resolver = new ModelResolver(catalog, stores.models(), stores.checkpoints(), stores.jobs());
        paths = new JobPaths(dataDir);
        fineTuned = new FineTunedModels(stores, paths, DeploymentService.modelUsage(store, stores));
        FileService files = new FileService(new InMemoryFileStore(), new InMemoryBlobStore(),
                in -> new FileValidation.Result(true, null, null), JobService.fileUsage(stores.jobs()),
                Executors.newVirtualThreadPerTaskExecutor(), clock, 1 << 20);
        jobs = new JobService(stores, resolver, files, fineTuned, clock, 20);
        service = newService(accounts);
    }

    /** A second service over the same store and engine: the service after a restart. */
    DeploymentService newService(Set<String> accounts) {
        return new DeploymentService(store, resolver, stores, paths, engine, loads, new AccountNames(accounts),
                (account, policy) -> {}, clock);
    }

    /** A succeeded job with its fine-tuned model (adapter in the job folder) and one checkpoint. */
    void addFineTunedModel() {
        FineTuningJob job = JobStoreContract.job(JOB, 1, JobStatus.SUCCEEDED).toBuilder().fineTunedModel(MODEL).build();
        stores.jobs().insert(job);
        stores.models().insert(new FineTunedModel(MODEL, 2, "tiny-chat", JOB, "jobs/" + JOB + "/final", "succeeded"));
        stores.checkpoints().insert(new Checkpoint(CHECKPOINT, JOB, 2, 10, CHECKPOINT_NAME, Map.of(),
                "jobs/" + JOB + "/checkpoint-10"));
    }

    void runLoads() {
        for (Runnable r; (r = pendingLoads.poll()) != null; ) r.run();
    }

    static DeploymentRequest request(String account, String name, String model, int capacity) {
        return new DeploymentRequest(account, name, new Deployment.ModelRef("OpenAI", model, "1", null),
                new Deployment.Sku("standard", capacity), null);
    }
}
