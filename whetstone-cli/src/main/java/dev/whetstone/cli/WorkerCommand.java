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
 * replicas. SIGTERM hands running jobs back to the queue at their next step boundary.
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

    @Override
    public Integer call() throws Exception {
        if (workers < 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--workers must be at least 1 for a worker process (use serve --workers 0 for an API-only replica)");
        }
        Shutdown.closeOnSignal(WhetstoneWorker.start(config()));
        return 0;
    }

    ServerConfig config() {
        ServerConfig base = ServerConfig.defaults(storage.data);
        return new ServerConfig(base.host(), base.port(), storage.data, storage.dbOrNull(), storage.modelsDir, Set.of(), Map.of(),
                base.maxUploadBytes(), false, base.importTimeout(), storage.demoModels,
                workers, ServerConfig.DEFAULT_MAX_ACTIVE_JOBS, Duration.ofSeconds(storage.workerLeaseSeconds))
                .withSafety(safety.settings()).withArtifacts(storage.artifactOptions());
    }
}
