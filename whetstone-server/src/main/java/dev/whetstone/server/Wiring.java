package dev.whetstone.server;

import dev.whetstone.files.FileImporter;
import dev.whetstone.files.FileService;
import dev.whetstone.files.FileValidation;
import dev.whetstone.models.ModelCatalog;
import dev.whetstone.store.BlobStore;
import dev.whetstone.store.FileStore;
import dev.whetstone.store.blob.LocalBlobStore;
import dev.whetstone.store.sql.Database;
import dev.whetstone.store.sql.JdbiFileStore;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The only place adapters are built and joined to the core services (DESIGN.md §2). */
final class Wiring {
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
        Wiring wiring = of(config, new JdbiFileStore(database), blobs, TrainingFileValidation.INSTANCE,
                keys.keys(), List.of(database));
        wiring.generatedKey = keys;
        return wiring;
    }

    /** Joins stores and validation into services; used by production wiring and by tests with other stores. */
    static Wiring of(ServerConfig config, FileStore fileStore, BlobStore blobs, FileValidation validation,
                     Set<String> apiKeys, List<AutoCloseable> extraResources) throws Exception {
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
        return new Wiring(new Services(files, importer, models, apiKeys, metrics()), resources);
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
