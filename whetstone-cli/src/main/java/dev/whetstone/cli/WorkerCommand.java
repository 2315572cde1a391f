package dev.whetstone.cli;

import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.WhetstoneWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code whetstone worker}: training only, no HTTP, on the database and data folder it shares with {@code serve}
 * replicas. SIGTERM hands running jobs back to the queue at their next step boundary.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run training workers only (no HTTP), sharing the database and data folder with `serve`. "
                + "Every option can also be set as an environment variable WHETSTONE_<NAME>.")
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "${env:WHETSTONE_DATA:-./data}", description = "Data folder shared with serve (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db", defaultValue = "${env:WHETSTONE_DB}", description = "JDBC URL shared with serve; default the SQLite file in the data folder.")
    String db;

    @Option(names = "--models-dir", defaultValue = "${env:WHETSTONE_MODELS_DIR}", description = "Folder of Hugging Face checkpoint folders (default <data>/models).")
    Path modelsDir;

    @Option(names = "--workers", defaultValue = "${env:WHETSTONE_WORKERS:-1}", description = "Jobs trained at once by this process (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--no-demo-models", negatable = true, defaultValue = "${env:WHETSTONE_DEMO_MODELS:-true}",
            description = "Create the built-in tiny demo models if missing (default ${DEFAULT-VALUE}).")
    boolean demoModels;

    @Option(names = "--worker-lease-seconds", hidden = true, defaultValue = "${env:WHETSTONE_WORKER_LEASE_SECONDS:-60}",
            description = "Advanced: how long a worker's claim on a job lasts without renewal (default ${DEFAULT-VALUE}).")
    long workerLeaseSeconds;

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
        ServerConfig base = ServerConfig.defaults(data);
        return new ServerConfig(base.host(), base.port(), data, ServeCommand.blankToNull(db), modelsDir, Set.of(), Map.of(),
                base.maxUploadBytes(), false, base.importTimeout(), demoModels,
                workers, ServerConfig.DEFAULT_MAX_ACTIVE_JOBS, Duration.ofSeconds(workerLeaseSeconds));
    }
}
