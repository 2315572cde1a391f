package dev.whetstone.cli;

import dev.whetstone.server.ArtifactOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a process finds the service's state; `serve` and `worker` must agree on these, so they share one definition. */
final class StorageOptions {
    @Option(names = "--data", defaultValue = "${env:WHETSTONE_DATA:-./data}", description = "Data folder: database, files, models, keys (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db", defaultValue = "${env:WHETSTONE_DB}", description = "JDBC URL; default a SQLite file in the data folder. A jdbc:postgresql: URL switches to PostgreSQL.")
    String db;

    @Option(names = "--models-dir", defaultValue = "${env:WHETSTONE_MODELS_DIR}", description = "Folder of Hugging Face checkpoint folders (default <data>/models).")
    Path modelsDir;

    @Option(names = "--no-demo-models", negatable = true, defaultValue = "${env:WHETSTONE_DEMO_MODELS:-true}",
            description = "Create the built-in tiny demo models if missing (default ${DEFAULT-VALUE}).")
    boolean demoModels;

    @Option(names = "--worker-lease-seconds", hidden = true, defaultValue = "${env:WHETSTONE_WORKER_LEASE_SECONDS:-60}",
            description = "Advanced: how long a worker's claim on a job lasts without renewal (default ${DEFAULT-VALUE}).")
    long workerLeaseSeconds;

    @Option(names = "--artifacts", defaultValue = "${env:WHETSTONE_ARTIFACTS:-data-folder}",
            description = "Where checkpoints, resume points and fine-tuned models live: data-folder (one machine, the"
                    + " default) or blob-store (shared by serve and worker processes on machines without a common disk;"
                    + " each reads through its own cache).")
    String artifacts;

    @Option(names = "--cache-size", defaultValue = "${env:WHETSTONE_CACHE_SIZE:-20g}",
            description = "With --artifacts blob-store: the most the local cache of downloaded models and checkpoints"
                    + " may hold, e.g. 20g or 500m (default ${DEFAULT-VALUE}); folders in use are never evicted.")
    String cacheSize;

    ArtifactOptions artifactOptions() {
        long bytes = ArtifactOptions.parseSize(cacheSize);
        return switch (artifacts == null ? "" : artifacts.strip()) {
            case "data-folder" -> new ArtifactOptions(false, bytes);
            case "blob-store" -> ArtifactOptions.objectStore(bytes);
            default -> throw new IllegalArgumentException("--artifacts must be data-folder or blob-store, got '"
                    + artifacts + "'");
        };
    }

    String dbOrNull() { return db == null || db.isBlank() ? null : db; }
}
