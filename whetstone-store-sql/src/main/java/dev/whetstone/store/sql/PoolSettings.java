package dev.whetstone.store.sql;

import com.zaxxer.hikari.HikariConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Connection pool settings per dialect. */
final class PoolSettings {
    /** How long a SQLite writer waits for another process's write lock before SQLITE_BUSY. */
    static final int SQLITE_BUSY_TIMEOUT_MS = 10_000;

    private PoolSettings() {}

    static HikariConfig of(String jdbcUrl, Database.Dialect dialect) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("whetstone-" + dialect.name().toLowerCase());
        config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(30));
        switch (dialect) {
            case SQLITE -> sqlite(config, jdbcUrl);
            case POSTGRES -> postgres(config);
        }
        return config;
    }

    /**
     * SQLite has one writer per database. One pooled connection serializes this process's statements, so
     * its threads never fight for the write lock (no SQLITE_BUSY, no deadlocked read-to-write upgrades); WAL
     * still lets other processes (the CLI) read while we write. IMMEDIATE transactions take the write lock
     * up front, so a transaction from another process waits (busy_timeout) instead of failing mid-way.
     */
    private static void sqlite(HikariConfig config, String jdbcUrl) {
        createParentFolder(jdbcUrl);
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(1);
        config.setMaxLifetime(0); // an embedded connection does not go stale; recycling would only cost
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "FULL"); // a committed job state survives power loss
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("busy_timeout", String.valueOf(SQLITE_BUSY_TIMEOUT_MS));
        config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    }

    private static void postgres(HikariConfig config) {
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(1);
    }

    private static void createParentFolder(String jdbcUrl) {
        String file = jdbcUrl.substring("jdbc:sqlite:".length()).split("\\?", 2)[0];
        if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) return;
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the folder " + parent + " for the SQLite database; "
                    + "check its permissions or choose another data folder.", e);
        }
    }
}
