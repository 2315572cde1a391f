package dev.whetstone.cli;

import dev.whetstone.store.blob.S3Location;
import dev.whetstone.store.blob.S3Settings;
import dev.whetstone.server.ArtifactOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
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

    @Option(names = "--blob-store", defaultValue = "${env:WHETSTONE_BLOB_STORE}",
            description = "Where blobs (uploaded files) are kept: s3://BUCKET[/PREFIX] for an S3-compatible store shared "
                    + "by every process; default the folder <data>/blobs. Credentials and region come from the AWS "
                    + "variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION) or the AWS profile.")
    String blobStore;

    @Option(names = "--s3-endpoint", defaultValue = "${env:WHETSTONE_S3_ENDPOINT}",
            description = "URL of the S3-compatible server (MinIO, Ceph RGW, …); default AWS S3.")
    String s3Endpoint;

    @Option(names = "--s3-path-style", defaultValue = "${env:WHETSTONE_S3_PATH_STYLE:-false}",
            description = "Path-style addressing (http://host/BUCKET/KEY), which MinIO and most self-hosted servers "
                    + "need; default virtual-host style (http://BUCKET.host/KEY).")
    boolean s3PathStyle;

    @Option(names = "--s3-incomplete-upload-hours", defaultValue = "${env:WHETSTONE_S3_INCOMPLETE_UPLOAD_HOURS:-24}",
            description = "Start-up aborts S3 multipart uploads older than this; younger ones may be another process's "
                    + "upload in flight (default ${DEFAULT-VALUE}).")
    double s3IncompleteUploadHours;

    @Option(names = "--artifacts", defaultValue = "${env:WHETSTONE_ARTIFACTS}",
            description = "Where checkpoints, resume points and fine-tuned models live: data-folder (one machine; the"
                    + " default without --blob-store s3://…) or blob-store (shared by serve and worker processes on machines without a common disk;"
                    + " each reads through its own cache; the default with --blob-store s3://…).")
    String artifacts;

    @Option(names = "--cache-size", defaultValue = "${env:WHETSTONE_CACHE_SIZE:-20g}",
            description = "With --artifacts blob-store: the most the local cache of downloaded models and checkpoints"
                    + " may hold, e.g. 20g or 500m (default ${DEFAULT-VALUE}); folders in use are never evicted.")
    String cacheSize;

    ArtifactOptions artifactOptions() {
        long bytes = ArtifactOptions.parseSize(cacheSize);
        String mode = artifacts == null || artifacts.isBlank() ? (blobStore == null || blobStore.isBlank() ? "data-folder" : "blob-store")
                : artifacts.strip();
        return switch (mode) {
            case "data-folder" -> new ArtifactOptions(false, bytes);
            case "blob-store" -> ArtifactOptions.objectStore(bytes);
            default -> throw new IllegalArgumentException("--artifacts must be data-folder or blob-store, got '"
                    + artifacts + "'");
        };
    }

    String dbOrNull() { return db == null || db.isBlank() ? null : db; }

    /** The S3 store the options name, or null for the local folder; a bad value is a usage error of {@code command}. */
    S3Settings s3OrNull(Object command) {
        if (blobStore == null || blobStore.isBlank()) {
            if (s3Endpoint != null && !s3Endpoint.isBlank()) {
                throw usage(command, "--s3-endpoint needs --blob-store s3://BUCKET[/PREFIX]");
            }
            return null;
        }
        try {
            if (!(s3IncompleteUploadHours >= 0) || Double.isInfinite(s3IncompleteUploadHours)) {
                throw new IllegalArgumentException("--s3-incomplete-upload-hours must be 0 or more, got "
                        + s3IncompleteUploadHours);
            }
            return S3Settings.of(S3Location.parse(blobStore.strip()), S3Settings.endpoint(s3Endpoint), s3PathStyle)
                    .withIncompleteUploadAge(Duration.ofMillis(Math.round(s3IncompleteUploadHours * 3_600_000)));
        } catch (IllegalArgumentException e) {
            throw usage(command, e.getMessage());
        }
    }

    private static CommandLine.ParameterException usage(Object command, String message) {
        return new CommandLine.ParameterException(new CommandLine(command), message);
    }
}
