package dev.whetstone.server;

import dev.whetstone.files.FileImporter;
import dev.whetstone.files.FileService;
import dev.whetstone.files.FileValidation;
import dev.whetstone.jobs.FineTunedModels;
import dev.whetstone.jobs.JobPaths;
import dev.whetstone.jobs.JobService;
import dev.whetstone.jobs.JobStores;
import dev.whetstone.jobs.ModelResolver;
import dev.whetstone.models.ModelCatalog;
import dev.whetstone.queue.JobWorkers;
import dev.whetstone.queue.TrainingData;
import dev.whetstone.queue.WorkerEnvironment;
import dev.whetstone.store.BlobStore;
import dev.whetstone.store.FileStore;
import dev.whetstone.store.blob.LocalBlobStore;
import dev.whetstone.store.sql.Database;
import dev.whetstone.store.sql.JdbiCheckpointStore;
import dev.whetstone.store.sql.JdbiFileStore;
import dev.whetstone.store.sql.JdbiJobEventStore;
import dev.whetstone.store.sql.JdbiJobStore;
import dev.whetstone.store.sql.JdbiModelStore;
import dev.whetstone.data.TrainingFileReader;
import dev.whetstone.engine.Trainer;
import dev.whetstone.engine.torch.TokenizerExampleEncoders;
import dev.whetstone.engine.torch.train.TorchTrainer;
import dev.whetstone.engine.torch.train.TrainingOptions;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The only place adapters are built and joined to the core services (DESIGN.md §2). */
final class Wiring {
    /** A training step must end before a worker can hand its job back to the queue; big models take a while. */
    private static final Duration WORKER_STOP_TIMEOUT = Duration.ofSeconds(120);

    private final Services services;
    private final List<AutoCloseable> resources;
    /** Set when this start generated the API key, so it is shown once the port is known. */
    private ApiKeys.Resolved generatedKey;

    private Wiring(Services services, List<AutoCloseable> resources) {
        this.services = services;
        this.resources = resources;
    }

    Services services() { return services; }

    List<AutoCloseable> resources() { return resources; }

    java.util.Optional<ApiKeys.Resolved> generatedKey() {
        return java.util.Optional.ofNullable(generatedKey).filter(k -> k.generatedKey() != null);
    }

    /** SQLite or PostgreSQL by the JDBC URL, blobs in the data folder. */
    static Wiring production(ServerConfig config) throws Exception {
        Files.createDirectories(config.dataDir());
        NativeCaches.pointInto(config.dataDir().resolve("cache"));
        if (config.createDemoModels()) DemoModels.ensure(config.effectiveModelsDir());
        Database database = Database.open(config.effectiveDbUrl());
        BlobStore blobs = LocalBlobStore.open(config.dataDir().resolve("blobs"));
        ApiKeys.Resolved keys = ApiKeys.resolve(config);
        JobStores stores = new JobStores(new JdbiJobStore(database), new JdbiJobEventStore(database),
                new JdbiCheckpointStore(database), new JdbiModelStore(database));
        Trainer trainer = new TorchTrainer(new TokenizerExampleEncoders(), TrainingOptions.defaults());
        JobWiring jobs = JobWiring.defaults(stores, trainer, TrainingFileReader::readAll);
        Wiring wiring = of(config, new JdbiFileStore(database), blobs, TrainingFileValidation.INSTANCE, jobs,
                keys.keys(), List.of(database));
        wiring.generatedKey = keys;
        return wiring;
    }

    /**
     * Joins stores, validation and the trainer into services, and starts the in-process job workers; used by
     * production wiring and by tests with other stores.
     */
    static Wiring of(ServerConfig config, FileStore fileStore, BlobStore blobs, FileValidation validation,
                     JobWiring jobWiring, Set<String> apiKeys, List<AutoCloseable> extraResources) throws Exception {
        List<AutoCloseable> resources = new ArrayList<>(extraResources);
        ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
        resources.add(() -> {
            background.shutdown();
            background.awaitTermination(30, TimeUnit.SECONDS);
        });
        Files.createDirectories(config.effectiveModelsDir());
        FileService files = new FileService(fileStore, blobs, validation, background, Clock.systemUTC(),
                config.maxUploadBytes());
        FileImporter importer = new FileImporter(files, config.importAllowPrivate(), config.importTimeout());
        ModelCatalog models = new ModelCatalog(() -> ModelDirectoryScanner.scan(config.effectiveModelsDir()),
                config.modelAliases());
        blobs.cleanUpIncomplete();
        files.resumeUnfinished();

        JobStores stores = jobWiring.stores();
        JobPaths paths = new JobPaths(config.dataDir());
        ModelResolver resolver = new ModelResolver(models, stores.models(), stores.checkpoints(), stores.jobs());
        FineTunedModels fineTuned = new FineTunedModels(stores, paths);
        JobService jobs = new JobService(stores, resolver, files, fineTuned, jobWiring.clock(), jobWiring.maxActiveJobs());
        files.setUsage(jobs::fileUser);
        if (jobWiring.workers() > 0) {
            WorkerEnvironment env = new WorkerEnvironment(stores, resolver, files,
                    TrainingData.fromFiles(files, jobWiring.reader()), jobWiring.trainer(), paths, jobWiring.clock(),
                    jobWiring.workerSettings());
            resources.add(JobWorkers.start(env, jobWiring.workers(), WORKER_STOP_TIMEOUT));
        }
        return new Wiring(new Services(files, importer, models, jobs, fineTuned, apiKeys, metrics()), resources);
    }

    private static PrometheusMeterRegistry metrics() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return registry;
    }
}
