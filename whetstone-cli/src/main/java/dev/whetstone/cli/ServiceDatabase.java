package dev.whetstone.cli;

import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.ServiceSecrets;
import dev.whetstone.store.ServiceSecretStore;
import dev.whetstone.store.sql.Database;
import dev.whetstone.store.sql.JdbiServiceSecretStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The service's API key and token secret as the CLI tools beside it read them: from the database the service uses
 * ({@code --db}, else the SQLite file in {@code --data}), where every replica keeps them (docs/security.md).
 */
final class ServiceDatabase {
    private ServiceDatabase() {}

    /** Whether there is a database to read: a URL was given, or the data folder has its SQLite file. */
    static boolean exists(Path data, String db) {
        return db != null && !db.isBlank() || Files.isRegularFile(data.resolve("whetstone.db"));
    }

    /** The service's tokens: signed with the secret in its database, created there (as `serve` would) if missing. */
    static AccessTokens tokens(Path data, String db, Clock clock) throws IOException {
        try (Database database = Database.open(url(data, db))) {
            return new ServiceSecrets(new JdbiServiceSecretStore(database), data, clock).tokens(clock);
        }
    }

    /** The service's generated admin API key, if its database exists and has one; creates nothing. */
    static Optional<String> apiKey(Path data, String db) {
        if (!exists(data, db)) return Optional.empty();
        try (Database database = Database.open(url(data, db))) {
            return new JdbiServiceSecretStore(database).find(ServiceSecretStore.API_KEY);
        }
    }

    private static String url(Path data, String db) {
        return ServerConfig.effectiveDbUrl(data, db == null || db.isBlank() ? null : db.strip());
    }
}
