package dev.whetstone.server;

import dev.whetstone.safety.SafetySettings;
import dev.whetstone.store.blob.S3Settings;
import dev.whetstone.worker.WorkerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code whetstone serve} can be told (docs/configuration.md). Built by the CLI from options and
 * WHETSTONE_* environment variables; tests build it directly.
 *
 * @param dbUrl      JDBC URL; null means a SQLite file in the data folder
 * @param modelsDir  null means {@code <data>/models}
 * @param apiKeys    accepted keys; empty means: use the service's key kept in the database, generated (or imported
 *                   from the data folder's old api-key file) on first start
 * @param modelAliases alias → model id, for clients that hard-code Azure model names
 * @param workers    in-process training workers; 0 for an API-only replica
 * @param maxActiveJobs unfinished jobs allowed at once; more is 429 quotaExceeded
 * @param workerLease how long a worker's claim on a job lasts without renewal: a crashed process's job is taken
 *                   over after it (heartbeats renew it every quarter of it)
 * @param access     inference-only keys and the allowed deployment accounts
 * @param serving    batch, queue and time-out of the inference engine
 * @param safety     default classifiers and whether jobs evaluate their data and model (docs/safety.md)
 * @param management HTTPS, and the subscription and tenant of the Resource Manager sign-in (docs/deployments.md)
 * @param s3         the S3-compatible store that holds the blobs (uploaded files); null means the local folder
 *                   {@code <data>/blobs}, which only this process can use (docs/operations.md, "S3")
 * @param artifacts  where checkpoints, models and resume points are stored: the data folder (one machine) or the
 *                   object store with a local cache (several machines; docs/operations.md)
 */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        String dbUrl,
        Path modelsDir,
        Set<String> apiKeys,
        Map<String, String> modelAliases,
        long maxUploadBytes,
        boolean importAllowPrivate,
        Duration importTimeout,
        boolean createDemoModels,
        int workers,
        int maxActiveJobs,
        Duration workerLease,
        AccessOptions access,
        ServingOptions serving,
        SafetySettings safety,
        ManagementOptions management,
        S3Settings s3,
        ArtifactOptions artifacts) {

    public static final long DEFAULT_MAX_UPLOAD_BYTES = 512L * 1024 * 1024;
    public static final int DEFAULT_WORKERS = 1;
    public static final int DEFAULT_MAX_ACTIVE_JOBS = 20;
    public static final Duration DEFAULT_WORKER_LEASE = Duration.ofSeconds(60);

    public ServerConfig {
        if (access == null) access = AccessOptions.NONE;
        if (serving == null) serving = ServingOptions.DEFAULTS;
        if (safety == null) safety = SafetySettings.defaults();
        if (management == null) management = ManagementOptions.DEFAULTS;
        if (artifacts == null) artifacts = ArtifactOptions.DATA_FOLDER;
        if (workers < 0) throw new IllegalArgumentException("workers must be 0 (API only) or more, got " + workers);
        if (maxActiveJobs < 1) throw new IllegalArgumentException("max active jobs must be at least 1, got " + maxActiveJobs);
        if (workerLease.toMillis() < 1000) {
            throw new IllegalArgumentException("the worker lease must be at least 1 second, got " + workerLease);
        }
    }

    /** The configuration with blobs and artifacts in the data folder (one machine). */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, Path modelsDir, Set<String> apiKeys,
                        Map<String, String> modelAliases, long maxUploadBytes, boolean importAllowPrivate,
                        Duration importTimeout, boolean createDemoModels, int workers, int maxActiveJobs,
                        Duration workerLease, AccessOptions access, ServingOptions serving, SafetySettings safety,
                        ManagementOptions management) {
        this(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes, importAllowPrivate,
                importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, access, serving, safety,
                management, null, null);
    }

    /** The configuration with the default management options: plain HTTP only. */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, Path modelsDir, Set<String> apiKeys,
                        Map<String, String> modelAliases, long maxUploadBytes, boolean importAllowPrivate,
                        Duration importTimeout, boolean createDemoModels, int workers, int maxActiveJobs,
                        Duration workerLease, AccessOptions access, ServingOptions serving, SafetySettings safety) {
        this(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes, importAllowPrivate,
                importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, access, serving, safety,
                ManagementOptions.DEFAULTS);
    }

    /** The configuration without access options: admin keys only, any account name. */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, Path modelsDir, Set<String> apiKeys,
                        Map<String, String> modelAliases, long maxUploadBytes, boolean importAllowPrivate,
                        Duration importTimeout, boolean createDemoModels, int workers, int maxActiveJobs,
                        Duration workerLease) {
        this(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes, importAllowPrivate,
                importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, AccessOptions.NONE, ServingOptions.DEFAULTS,
                SafetySettings.defaults());
    }

    /** The configuration without the job options: one worker, the default quota and lease. */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, Path modelsDir, Set<String> apiKeys,
                        Map<String, String> modelAliases, long maxUploadBytes, boolean importAllowPrivate,
                        Duration importTimeout, boolean createDemoModels) {
        this(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes, importAllowPrivate,
                importTimeout, createDemoModels, DEFAULT_WORKERS, DEFAULT_MAX_ACTIVE_JOBS, DEFAULT_WORKER_LEASE);
    }

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("127.0.0.1", 8080, dataDir, null, null, Set.of(), Map.of(),
                DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofMinutes(10), true);
    }

    public Path effectiveModelsDir() { return modelsDir != null ? modelsDir : dataDir.resolve("models"); }

    public String effectiveDbUrl() { return effectiveDbUrl(dataDir, dbUrl); }

    /** {@code dbUrl}, or the SQLite file in the data folder when it is null (tools beside the service use it too). */
    public static String effectiveDbUrl(Path dataDir, String dbUrl) {
        return dbUrl != null ? dbUrl : "jdbc:sqlite:" + dataDir.resolve("whetstone.db").toAbsolutePath();
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, access, serving, safety, management, s3, artifacts);
    }

    public ServerConfig withApiKeys(Set<String> keys) {
        return new ServerConfig(host, port, dataDir, dbUrl, modelsDir, keys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, access, serving, safety, management, s3, artifacts);
    }

    public ServerConfig withJobs(int newWorkers, int newMaxActiveJobs, Duration newWorkerLease) {
        return new ServerConfig(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels, newWorkers, newMaxActiveJobs, newWorkerLease, access, serving, safety, management, s3, artifacts);
    }

    public ServerConfig withAccess(AccessOptions newAccess) {
        return new ServerConfig(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, newAccess, serving, safety, management, s3, artifacts);
    }

    public ServerConfig withServing(ServingOptions newServing) {
        return new ServerConfig(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, access, newServing, safety, management, s3, artifacts);
    }

    public ServerConfig withSafety(SafetySettings newSafety) {
        return new ServerConfig(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, access, serving,
                newSafety, management, s3, artifacts);
    }

    public ServerConfig withManagement(ManagementOptions newManagement) {
        return new ServerConfig(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, access, serving,
                safety, newManagement, s3, artifacts);
    }

    /** This configuration with blobs in {@code newS3}, or in the data folder when null. */
    public ServerConfig withS3(S3Settings newS3) {
        return new ServerConfig(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, access, serving,
                safety, management, newS3, artifacts);
    }

    /** This configuration with another database URL and models folder (null: the defaults in the data folder). */
    public ServerConfig withStorage(String newDbUrl, Path newModelsDir) {
        return new ServerConfig(host, port, dataDir, newDbUrl, newModelsDir, apiKeys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, access, serving,
                safety, management, s3, artifacts);
    }

    public ServerConfig withArtifacts(ArtifactOptions newArtifacts) {
        return new ServerConfig(host, port, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels, workers, maxActiveJobs, workerLease, access, serving,
                safety, management, s3, newArtifacts);
    }

    /** Lease, heartbeat (a quarter of it) and idle poll (at most 2 s) for this configuration's workers. */
    public WorkerSettings workerSettings() {
        WorkerSettings d = WorkerSettings.defaults();
        Duration quarter = workerLease.dividedBy(4);
        Duration poll = d.poll().compareTo(quarter) < 0 ? d.poll() : quarter;
        return new WorkerSettings(workerLease, quarter, poll, d.metricsEventEvery(), d.keepCheckpoints());
    }
}
