package dev.whetstone.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code whetstone api-key}: the service key the service generated on first start, read from its database (where
 * every replica reads it; docs/security.md). The key alone is the last line of stdout: {@code $(whetstone api-key |
 * tail -1)}.
 */
@Command(name = "api-key", mixinStandardHelpOptions = true,
        description = "Print the service's generated API key from its database (the key alone on the last line).")
final class ApiKeyCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "${env:WHETSTONE_DATA:-./data}",
            description = "The service's data folder (default ${DEFAULT-VALUE}): its SQLite database when --db is not given.")
    Path data;

    @Option(names = "--db", defaultValue = "${env:WHETSTONE_DB}",
            description = "The service's JDBC URL (as `serve --db`).")
    String db;

    @Override
    public Integer call() {
        Optional<String> key = ServiceDatabase.apiKey(data, db);
        if (key.isEmpty()) {
            System.err.println("No generated API key in " + (db != null && !db.isBlank() ? "the database of --db"
                    : "the database of " + data.toAbsolutePath().normalize()) + ": start `whetstone serve` once "
                    + "without --api-key (it generates one), or use the key it was started with.");
            return 1;
        }
        System.out.println(key.get());
        return 0;
    }
}
