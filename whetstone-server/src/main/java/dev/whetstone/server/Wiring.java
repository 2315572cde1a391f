package dev.whetstone.server;

import dev.whetstone.deployments.DeploymentLookup;
import dev.whetstone.deployments.AccountNames;
import dev.whetstone.deployments.Accounts;
import dev.whetstone.deployments.DeploymentLifecycle;
import dev.whetstone.deployments.DeploymentQuotas;
import dev.whetstone.deployments.DeploymentService;
import dev.whetstone.deployments.SharedQuotas;
import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.files.FileImporter;
import dev.whetstone.files.FileService;
import dev.whetstone.files.FileValidation;
import dev.whetstone.jobs.FineTunedModels;
import dev.whetstone.jobs.JobPaths;
import dev.whetstone.jobs.JobService;
import dev.whetstone.jobs.JobStores;
import dev.whetstone.jobs.ModelResolver;
import dev.whetstone.models.ModelCatalog;
import dev.whetstone.worker.JobWorkers;
import dev.whetstone.worker.TrainingData;
import dev.whetstone.worker.WorkerEnvironment;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.AccountKeys;
import dev.whetstone.server.auth.Credentials;
import dev.whetstone.server.auth.OidcTokens;
import dev.whetstone.server.auth.Role;
import dev.whetstone.server.auth.ServiceSecrets;
import dev.whetstone.store.BlobStore;
import dev.whetstone.artifacts.ArtifactStore;
import dev.whetstone.artifacts.BlobFolderArtifacts;
import dev.whetstone.artifacts.FolderCache;
import dev.whetstone.store.FileStore;
import dev.whetstone.store.blob.LocalBlobStore;
import dev.whetstone.store.blob.S3BlobStore;
import dev.whetstone.store.sql.Database;
import dev.whetstone.store.sql.JdbiCheckpointStore;
import dev.whetstone.store.sql.JdbiAccountKeyStore;
import dev.whetstone.store.sql.JdbiAccountStore;
import dev.whetstone.store.sql.JdbiDeploymentStore;
import dev.whetstone.store.sql.JdbiFileStore;
import dev.whetstone.store.sql.JdbiJobEventStore;
import dev.whetstone.store.sql.JdbiJobStore;
import dev.whetstone.store.sql.JdbiProcessStore;
import dev.whetstone.cluster.ProcessRecord;
import dev.whetstone.cluster.RegistrySettings;
import dev.whetstone.server.ops.ProcessOps;
import dev.whetstone.artifacts.BlobFolderArtifacts;
import dev.whetstone.artifacts.FolderCache;
import dev.whetstone.store.sql.JdbiModelStore;
import dev.whetstone.store.sql.JdbiBaseModelStore;
import dev.whetstone.store.sql.JdbiQuotaStore;
import dev.whetstone.store.sql.JdbiSafetyStore;
import dev.whetstone.store.sql.JdbiServiceSecretStore;
import dev.whetstone.safety.ContentFilter;
import dev.whetstone.safety.LexiconClassifier;
import dev.whetstone.safety.ModelEvaluation;
import dev.whetstone.safety.ProbeSet;
import dev.whetstone.safety.SafetySettings;
import dev.whetstone.safety.SafetyService;
import dev.whetstone.graders.DeploymentGraderModel;
import dev.whetstone.graders.GraderModel;
import dev.whetstone.graders.Graders;
import dev.whetstone.graders.PythonSandbox;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import dev.whetstone.data.TrainingFileValidation;
import dev.whetstone.data.image.UrlImageLoader;
import dev.whetstone.engine.Trainer;
import dev.whetstone.engine.torch.TorchEngine;
import dev.whetstone.server.api.ModelExportApi;
import dev.whetstone.server.api.inference.InferenceApiOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.LoggerFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The only place adapters are built and joined to the core services (DESIGN.md §2). */
final class Wiring {
    /** A training step must end before a worker can hand its job back to the queue; big models take a while. */
    private static final Duration WORKER_STOP_TIMEOUT = Duration.ofSeconds(120);
    /** 20 probes × 64 tokens: seconds on the small models, minutes on a 7B model on CPU. */
    private static final Duration MODEL_EVALUATION_TIMEOUT = Duration.ofMinutes(30);

    private final Services services;
    private final List<AutoCloseable> resources;
    /** Set when this start generated the API key, so it is shown once the port is known. */
    private ApiKeys.Resolved generatedKey;

    private Wiring(Services services, List<AutoCloseable> resources) {
        this.services = services;
        this.resources = resources;
    }

    Services services() { return services; }

    /** This wiring with inference answered from {@code lookup} (tests pass fakes). */
    Wiring withInference(DeploymentLookup lookup, InferenceApiOptions options) {
        Wiring wired = new Wiring(services.withInference(lookup, options), resources);
        wired.generatedKey = generatedKey;
        return wired;
    }

    List<AutoCloseable> resources() { return resources; }

    java.util.Optional<ApiKeys.Resolved> generatedKey() {
        return java.util.Optional.ofNullable(generatedKey).filter(k -> k.generatedKey() != null);
    }

    /** SQLite or PostgreSQL by the JDBC URL, blobs in the data folder or an S3-compatible bucket. */
    static Wiring production(ServerConfig config, InferenceEngineFactory engines) throws Exception {
        Adapters adapters = Adapters.open(config);
        JdbiServiceSecretStore secrets = new JdbiServiceSecretStore(adapters.database());
        ApiKeys.Resolved keys = ApiKeys.resolve(config, new ServiceSecrets(secrets, config.dataDir(), Clock.systemUTC()));
        List<AutoCloseable> resources = new ArrayList<>(adapters.resources());
        InferenceEngine engine = engines.create(config);
        resources.add(engine);
        ServingWiring serving = new ServingWiring(new JdbiDeploymentStore(adapters.database()),
                new JdbiSafetyStore(adapters.database()), new JdbiAccountKeyStore(adapters.database()), engine,
                Clock.systemUTC(), new JdbiAccountStore(adapters.database()), secrets, quotas(adapters.database()));
        // Uploaded files' images are fetched and decoded under the same outbound rules as file imports.
        Wiring wiring = of(config, adapters.fileStore(), adapters.blobs(),
                TrainingFileValidation.jsonl(UrlImageLoader.withDefaults(config.importAllowPrivate())),
                adapters.jobs(), serving, keys.keys(), resources);
        wiring.generatedKey = keys;
        return wiring;
    }

    /**
     * On PostgreSQL, the database several replicas share, deployments' buckets live there so that a capacity holds
     * for the cluster; on SQLite one process serves and keeps them in memory (docs/deployments.md, "Rate limits").
     */
    private static DeploymentQuotas quotas(Database database) {
        return database.dialect() == Database.Dialect.POSTGRES
                ? new SharedQuotas(new JdbiQuotaStore(database), Clock.systemUTC())
                : DeploymentQuotas.local(Clock.systemUTC());
    }

    /**
     * {@code whetstone worker}: the production adapters and {@code config.workers()} training workers, without HTTP,
     * API keys or upload housekeeping (the serve replicas sharing the database and data folder do that: cleaning
     * "incomplete" blobs here would delete their uploads in flight). Returns what to close, in reverse order.
     */
    static WorkerParts workerOnly(ServerConfig config) throws Exception {
        if (config.workers() < 1) {
            throw new IllegalArgumentException("a worker process needs at least one worker (--workers), got " + config.workers());
        }
        Adapters adapters = Adapters.open(config);
        List<AutoCloseable> resources = new ArrayList<>(adapters.resources());
        Core core = Core.build(config, adapters.fileStore(), adapters.blobs(),
                TrainingFileValidation.jsonl(UrlImageLoader.withDefaults(config.importAllowPrivate())),
                adapters.jobs(), resources);
        // The model evaluation loads each fine-tuned model here; guard deployments are served by `serve`
        // processes, not this one, so a policy naming a guard cannot be used for evaluation here (docs/safety.md).
        InferenceEngine engine = InferenceEngineFactory.production().create(config);
        resources.add(engine);
        SafetyService safety = new SafetyService(new JdbiSafetyStore(adapters.database()),
                new AccountNames(config.access().accounts()), (account, policy) -> Optional.empty(), config.safety(),
                name -> {
                    throw new dev.whetstone.error.ApiException(dev.whetstone.error.ErrorCode.NOT_FOUND, "guard "
                            + "deployments are served by `whetstone serve`, not by a worker process", null);
                }, Clock.systemUTC());
        AtomicReference<JobWorkers> workers = new AtomicReference<>();
        ProcessOps ops = ProcessOps.create(ProcessRecord.Kind.WORKER, adapters.jobs().processes(),
                adapters.jobs().stores().jobs(), adapters.blobs(), adapters.jobs().clock(), RegistrySettings.DEFAULTS,
                () -> runningJobs(workers), List::of);
        resources.add(ops.registry()); // closed after the workers: the row says "draining" until they handed back
        bindArtifactCache(ops, core);
        // no deployments in a worker-only process: model graders are refused (the job fails saying so)
        workers.set(startWorkers(config, core, adapters.jobs(), engine, safety::evaluationFilter,
                new Graders(GraderModel.NONE, PythonSandbox.detect()), ops));
        resources.add(workers.get());
        ops.registry().start();
        return new WorkerParts(ops, resources);
    }

    /** A worker process's ops (drain, metrics, registry) and what to close, in reverse order. */
    record WorkerParts(ProcessOps ops, List<AutoCloseable> resources) {}

    private static List<String> runningJobs(AtomicReference<JobWorkers> workers) {
        JobWorkers w = workers.get();
        return w == null ? List.of() : w.runningJobs();
    }

    /**
     * Joins stores, validation and the trainer into services, and starts the in-process job workers; used by
     * production wiring and by tests with other stores.
     */
    static Wiring of(ServerConfig config, FileStore fileStore, BlobStore blobs, FileValidation validation,
                     JobWiring jobWiring, ServingWiring serving, Set<String> apiKeys,
                     List<AutoCloseable> extraResources) throws Exception {
        List<AutoCloseable> resources = new ArrayList<>(extraResources);
        Core core = Core.build(config, fileStore, blobs, validation, jobWiring, resources);
        FileService files = core.files();
        FileImporter importer = new FileImporter(files, config.importAllowPrivate(), config.importTimeout());
        blobs.cleanUpIncomplete();
        files.resumeUnfinished();

        JobStores stores = jobWiring.stores();
        FineTunedModels fineTuned = new FineTunedModels(stores, core.paths(),
                DeploymentService.modelUsage(serving.store(), stores));
        JobService jobs = new JobService(stores, core.resolver(), files, fineTuned, jobWiring.clock(), jobWiring.maxActiveJobs());
        AccountNames accounts = new AccountNames(config.access().accounts());
        Accounts namespaces = new Accounts(serving.accounts(), accounts,
                config.management().defaultAccount(config.access().accounts()), config.management().subscription(),
                serving.clock());
        AtomicReference<DeploymentService> deploymentRef = new AtomicReference<>();
        SafetyService safety = new SafetyService(serving.safetyStore(), accounts,
                (account, policy) -> policyUser(serving, account, policy), config.safety(),
                name -> deploymentRef.get().live(name), serving.clock());
        DeploymentService deployments = deployments(core, jobWiring, serving, accounts, namespaces, safety,
                config.management().lifecycle(), resources);
        deploymentRef.set(deployments);
        AccountKeys accountKeys = new AccountKeys(serving.accountKeys(), serving.clock());
        Credentials credentials = credentials(config, apiKeys, accountKeys,
                new ServiceSecrets(serving.secrets(), config.dataDir(), Clock.systemUTC()));
        PythonSandbox python = PythonSandbox.detect();
        // reinforcement jobs grade with the same graders as the API: model graders answer on this service's deployments
        Graders graders = new Graders(new DeploymentGraderModel(deployments, Graders.MODEL_TIMEOUT), python);
        AtomicReference<JobWorkers> workers = new AtomicReference<>();
        ProcessOps ops = ProcessOps.create(ProcessRecord.Kind.SERVE, jobWiring.processes(), stores.jobs(), blobs,
                jobWiring.clock(), RegistrySettings.DEFAULTS, () -> runningJobs(workers), deployments::loaded);
        resources.add(ops.registry()); // closed after the workers: the row says "draining" until they handed back
        bindArtifactCache(ops, core);
        if (jobWiring.workers() > 0) {
            workers.set(startWorkers(config, core, jobWiring, serving.engine(), safety::evaluationFilter, graders, ops));
            resources.add(workers.get());
        }
        ops.registry().start();
        return new Wiring(new Services(files, importer, core.models(), jobs, fineTuned, apiKeys, ops, deployments,
                accounts, credentials, deployments,
                InferenceApiOptions.defaults().withRequestTimeout(config.serving().timeout())
                        .withImages(UrlImageLoader.withDefaults(config.importAllowPrivate())),
                new ModelExportApi(core.resolver(), fineTuned, core.paths(), Wiring::exportWithEngine), safety,
                python, accountKeys, namespaces), resources);
    }

    /** Keys by role (the service keys are admin), the service's tokens, and the identity provider's when configured. */
    private static Credentials credentials(ServerConfig config, Set<String> apiKeys, AccountKeys accountKeys,
                                           ServiceSecrets secrets) throws java.io.IOException {
        java.util.Map<Role, Set<String>> keys = new java.util.EnumMap<>(Role.class);
        config.access().roleKeys().forEach((role, set) -> keys.put(role, new java.util.HashSet<>(set)));
        keys.computeIfAbsent(Role.ADMIN, r -> new java.util.HashSet<>()).addAll(apiKeys);
        keys.computeIfAbsent(Role.INFERENCE, r -> new java.util.HashSet<>()).addAll(config.access().inferenceKeys());
        AccessOptions.Oidc o = config.access().oidc();
        OidcTokens oidc = o == null ? null : new OidcTokens(o.issuer(), o.audience(), o.rolesClaim(), o.skew(),
                Clock.systemUTC(), java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10))
                        .followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build());
        String secret = config.access().tokenSecret();
        AccessTokens tokens = secret != null
                ? new AccessTokens(ServiceSecrets.parseSecret(secret, "--token-secret"), Clock.systemUTC())
                : secrets.tokens(Clock.systemUTC());
        return new Credentials(keys, tokens, oidc, accountKeys);
    }

    /** The API's lower-case format names are the engine's enum constants. */
    private static void exportWithEngine(java.nio.file.Path source, java.nio.file.Path base, String format,
                                         String ggufType, String name, java.nio.file.Path out)
            throws java.io.IOException {
        TorchEngine.exportModel(source, base, TorchEngine.ExportFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT)),
                TorchEngine.GgufType.valueOf(ggufType.toUpperCase(java.util.Locale.ROOT)), name, out);
    }

    /** Deployments load in the background on virtual threads; those serving before a restart load again. */
    private static DeploymentService deployments(Core core, JobWiring jobWiring, ServingWiring serving,
                                                 AccountNames accounts, Accounts namespaces, SafetyService safety,
                                                 DeploymentLifecycle lifecycle, List<AutoCloseable> resources) {
        ExecutorService loads = Executors.newVirtualThreadPerTaskExecutor();
        resources.add(() -> {
            loads.shutdownNow(); // interrupts loads in flight; the engine itself closes after this
            loads.awaitTermination(30, TimeUnit.SECONDS);
        });
        DeploymentService service = new DeploymentService(serving.store(), core.resolver(), jobWiring.stores(),
                core.paths(), serving.engine(), loads, accounts, safety::requirePolicy, serving.clock(), lifecycle,
                namespaces, serving.quotas());
        service.restore();
        resources.add(sweepExpired(service));
        return service;
    }

    /**
     * Deletes expired deployments (DeveloperTier lifetime, idle limit) every {@code sweepEvery}, on one platform
     * thread; a failed sweep is logged and the next one tries again.
     */
    private static AutoCloseable sweepExpired(DeploymentService service) {
        java.util.concurrent.ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "deployment-expiry");
            t.setDaemon(true);
            return t;
        });
        long every = service.sweepEvery().toMillis();
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                service.deleteExpired();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(Wiring.class).warn("deleting expired deployments failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return () -> {
            sweeper.shutdownNow();
            sweeper.awaitTermination(10, TimeUnit.SECONDS);
        };
    }

    /** A deployment of the account that names the policy, described for a 409 message. */
    private static Optional<String> policyUser(ServingWiring serving, String account, String policy) {
        return serving.store().list(account).stream().filter(d -> policy.equals(d.raiPolicyName())).findFirst()
                .map(d -> "deployment '" + d.name() + "'");
    }

    /**
     * @param engine           loads the fine-tuned model for its evaluation (shared with deployments, so the base
     *                         weights are shared too)
     * @param evaluationFilter the policy that judges the probe answers
     * @param graders          grades reinforcement jobs' sampled answers
     * @param ops              the process's drain (stops the workers claiming), meters and registry id (worker ids
     *                         start with it)
     */
    private static JobWorkers startWorkers(ServerConfig config, Core core, JobWiring jobWiring, InferenceEngine engine,
                                           Supplier<ContentFilter> evaluationFilter, Graders graders,
                                           ProcessOps ops) {
        SafetySettings safety = config.safety();
        ModelEvaluation modelEvaluation = safety.modelEvaluation() ? new ModelEvaluation(engine, evaluationFilter,
                ProbeSet.builtIn(), safety.maxFlaggedRate(), MODEL_EVALUATION_TIMEOUT) : null;
        WorkerEnvironment env = new WorkerEnvironment(jobWiring.stores(), core.resolver(), core.files(),
                TrainingData.fromFiles(core.files()), jobWiring.trainer(), core.paths(),
                jobWiring.clock(), jobWiring.workerSettings(),
                safety.dataEvaluation() ? LexiconClassifier.builtIn() : null, modelEvaluation,
                UrlImageLoader.withDefaults(config.importAllowPrivate()), graders);
        JobWorkers workers = JobWorkers.start(env, jobWiring.workers(), WORKER_STOP_TIMEOUT, ops.registry().id(),
                ops.metrics().training());
        ops.drain().onBegin(workers::stopClaiming); // SIGTERM: no new claims, running jobs hand back at their next step
        return workers;
    }

    /** The artifact cache's hits and misses as Prometheus counters, where artifacts come from the object store. */
    private static void bindArtifactCache(ProcessOps ops, Core core) {
        if (core.paths().artifacts() instanceof BlobFolderArtifacts stored) {
            ops.metrics().bindCache("artifacts", stored.cache(), FolderCache::hits, FolderCache::misses);
        }
    }

    /** The production adapters: database, blob folder, job stores and the libtorch trainer. */
    private record Adapters(FileStore fileStore, BlobStore blobs, JobWiring jobs, Database database,
                            List<AutoCloseable> resources) {
        static Adapters open(ServerConfig config) throws Exception {
            Files.createDirectories(config.dataDir());
            TorchEngine.useNativeCache(config.dataDir().resolve("cache"));
            if (config.createDemoModels()) DemoModels.ensure(config.effectiveModelsDir());
            List<AutoCloseable> resources = new ArrayList<>();
            BlobStore blobs = blobStore(config, resources);
            Database database;
            try {
                database = Database.open(config.effectiveDbUrl());
            } catch (Exception e) {
                for (AutoCloseable opened : resources) opened.close();
                throw e;
            }
            resources.add(database);
            JobStores stores = new JobStores(new JdbiJobStore(database), new JdbiJobEventStore(database),
                    new JdbiCheckpointStore(database), new JdbiModelStore(database));
            Trainer trainer = TorchEngine.trainer();
            JobWiring jobs = JobWiring.of(config, stores, new JdbiProcessStore(database), trainer,
                    new JdbiBaseModelStore(database));
            return new Adapters(new JdbiFileStore(database), blobs, jobs, database, List.copyOf(resources));
        }

        /**
         * The S3-compatible store when configured (shared by every process of a cluster), else the local folder.
         * Opening S3 checks the bucket and credentials, so a wrong one stops the start with one line.
         */
        static BlobStore blobStore(ServerConfig config, List<AutoCloseable> resources) throws IOException {
            if (config.s3() == null) return LocalBlobStore.open(config.dataDir().resolve("blobs"));
            S3BlobStore s3 = S3BlobStore.open(config.s3());
            resources.add(s3);
            LoggerFactory.getLogger(Wiring.class).info("Blobs are kept in {}", config.s3().location());
            return s3;
        }
    }

    /**
     * {@code whetstone models add --to-store}: publishes {@code folder} (described as the models-directory scan
     * would) to the object store and records it in the database, where every process lists it.
     */
    static dev.whetstone.models.BaseModel addToStore(ServerConfig config, dev.whetstone.models.BaseModel described,
                                                     java.nio.file.Path folder) throws Exception {
        Files.createDirectories(config.dataDir());
        List<AutoCloseable> resources = new ArrayList<>();
        try (Database database = Database.open(config.effectiveDbUrl())) {
            ArtifactStore artifacts = Core.artifacts(config, Adapters.blobStore(config, resources));
            if (artifacts == null) artifacts = new dev.whetstone.artifacts.DataDirArtifacts(config.dataDir());
            return new dev.whetstone.models.StoredBaseModels(new JdbiBaseModelStore(database), artifacts)
                    .add(described, folder);
        } finally {
            for (AutoCloseable opened : resources) opened.close();
        }
    }

    /** What both the API and the workers stand on: files, the model catalog and how job references resolve. */
    private record Core(FileService files, ModelCatalog models, ModelResolver resolver, JobPaths paths) {
        static Core build(ServerConfig config, FileStore fileStore, BlobStore blobs, FileValidation validation,
                          JobWiring jobWiring, List<AutoCloseable> resources) throws Exception {
            ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
            resources.add(() -> {
                background.shutdown();
                background.awaitTermination(30, TimeUnit.SECONDS);
            });
            Files.createDirectories(config.effectiveModelsDir());
            JobStores stores = jobWiring.stores();
            FileService files = new FileService(fileStore, blobs, validation, JobService.fileUsage(stores.jobs()),
                    background, Clock.systemUTC(), config.maxUploadBytes());
            ModelCatalog models = ModelCatalog.of(() -> ModelDirectoryScanner.scan(config.effectiveModelsDir()),
                    jobWiring.baseModels(), config.modelAliases());
            ModelResolver resolver = new ModelResolver(models, stores.models(), stores.checkpoints(), stores.jobs());
            return new Core(files, models, resolver, new JobPaths(config.dataDir(), artifacts(config, blobs)));
        }

        /**
         * The data folder itself (null: JobPaths' default) on one machine; the shared blob store with this
         * process's cache in {@code <data>/artifact-cache} when processes share no disk.
         */
        static ArtifactStore artifacts(ServerConfig config, BlobStore blobs) throws java.io.IOException {
            if (!config.artifacts().objectStore()) return null;
            return new BlobFolderArtifacts(blobs, new FolderCache(config.dataDir().resolve("artifact-cache"),
                    config.artifacts().cacheBytes()));
        }
    }
}
