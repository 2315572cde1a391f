package dev.whetstone.cli;

import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.WhetstoneWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code whetstone worker}: training only, no HTTP, on the database and data folder it shares with {@code serve}
 * replicas. SIGTERM drains: no new claims, running jobs hand their lease back at their next step boundary.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run training workers only (no HTTP), sharing the database and data folder with `serve`. "
                + "Every option can also be set as an environment variable WHETSTONE_<NAME>.")
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage = new StorageOptions();

    @Mixin
    SafetyOptions safety = new SafetyOptions();

    @Option(names = "--workers", defaultValue = "${env:WHETSTONE_WORKERS:-1}", description = "Jobs trained at once by this process (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--metrics-port", defaultValue = "${env:WHETSTONE_METRICS_PORT:--1}",
            description = "Serve /livez, /readyz and /metrics (no credentials) on this port; 0 picks a free one "
                    + "(default: no listener).")
    int metricsPort;

    @Option(names = "--metrics-host", defaultValue = "${env:WHETSTONE_METRICS_HOST:-127.0.0.1}",
            description = "Address the --metrics-port listener binds (default ${DEFAULT-VALUE}).")
    String metricsHost;

    @Override
    public Integer call() throws Exception {
        if (workers < 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--workers must be at least 1 for a worker process (use serve --workers 0 for an API-only replica)");
        }
        if (metricsPort > 65535 || metricsPort < -1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--metrics-port must be a port (0 picks a free one), got " + metricsPort);
        }
        WhetstoneWorker worker = WhetstoneWorker.start(config(), metricsHost, metricsPort);
        if (worker.metricsPort() >= 0) {
            System.out.println("Health and metrics on http://" + metricsHost + ":" + worker.metricsPort());
        }
        Shutdown.closeOnSignal(worker);
        return 0;
    }

    ServerConfig config() {
        ServerConfig base = ServerConfig.defaults(storage.data);
        return new ServerConfig(base.host(), base.port(), storage.data, storage.dbOrNull(), storage.modelsDir, Set.of(), Map.of(),
                base.maxUploadBytes(), false, base.importTimeout(), storage.demoModels,
                workers, ServerConfig.DEFAULT_MAX_ACTIVE_JOBS, Duration.ofSeconds(storage.workerLeaseSeconds))
                .withSafety(safety.settings()).withS3(storage.s3OrNull(this))
                .withArtifacts(storage.artifactOptions());
    }
}
