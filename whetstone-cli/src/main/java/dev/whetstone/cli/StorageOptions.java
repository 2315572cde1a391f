package dev.whetstone.cli;

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

    String dbOrNull() { return db == null || db.isBlank() ? null : db; }
}
