package dev.whetstone.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * The metadata database: a connection pool, a configured {@link Jdbi}, and the schema migrated to the newest
 * version when opened. SQLite for one process, PostgreSQL when several processes share the state; the same
 * migrations serve both. Thread-safe; open one per process and close it at shutdown.
 */
public final class Database implements AutoCloseable {
    /** The SQL engine behind a JDBC URL; the queue code needs it where SQL differs (e.g. SKIP LOCKED). */
    public enum Dialect {
        SQLITE("jdbc:sqlite:", "COLLATE BINARY", ""),
        POSTGRES("jdbc:postgresql:", "COLLATE \"C\"", "UNLOGGED");

        private final String urlPrefix;
        private final String binaryCollation;
        private final String unlogged;

        Dialect(String urlPrefix, String binaryCollation, String unlogged) {
            this.urlPrefix = urlPrefix;
            this.binaryCollation = binaryCollation;
            this.unlogged = unlogged;
        }

        /** The dialect of a JDBC URL; throws naming the supported prefixes when there is none. */
        public static Dialect of(String jdbcUrl) {
            for (Dialect d : values()) {
                if (jdbcUrl != null && jdbcUrl.startsWith(d.urlPrefix)) return d;
            }
            String supported = Arrays.stream(values()).map(d -> d.urlPrefix + "...").collect(Collectors.joining(", "));
            throw new IllegalArgumentException(
                    "Unsupported database URL: it must start with one of " + supported + " (check the database setting).");
        }

        /** The column collation that orders text by code point, as Java and cursor pagination expect. */
        String binaryCollation() { return binaryCollation; }

        /**
         * For tables whose rows may be lost in a database crash (they start over as after a restart): PostgreSQL
         * writes no WAL for them, so their commits wait for no disk flush. SQLite has no such tables.
         */
        String unlogged() { return unlogged; }
    }

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
    }

    /**
     * Opens {@code jdbc:sqlite:<file>} (the file and its folders are created) or {@code jdbc:postgresql:...}
     * and applies pending migrations. Throws IllegalArgumentException for other URLs and IllegalStateException
     * when the database cannot be reached or migrated.
     */
    public static Database open(String jdbcUrl) {
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariDataSource dataSource = connect(jdbcUrl, dialect);
        try {
            migrate(dataSource, dialect);
            return new Database(dataSource, dialect);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariDataSource connect(String jdbcUrl, Dialect dialect) {
        try {
            return new HikariDataSource(PoolSettings.of(jdbcUrl, dialect));
        } catch (HikariPool.PoolInitializationException e) {
            throw new IllegalStateException("Cannot connect to the " + dialect + " database: "
                    + e.getMessage() + " Check the database URL, that the server runs, and the credentials.", e);
        }
    }

    private static void migrate(HikariDataSource dataSource, Dialect dialect) {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .placeholders(Map.of("binary_collation", dialect.binaryCollation(), "unlogged", dialect.unlogged()))
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            // No URL in the message: it may carry a password.
            throw new IllegalStateException("Migrating the " + dialect + " database failed: " + e.getMessage()
                    + " Fix the cause, or point the database setting at a database Whetstone owns.", e);
        }
    }

    public Jdbi jdbi() { return jdbi; }

    public Dialect dialect() { return dialect; }

    /** Closes the pool; connections in use are closed when returned. */
    @Override
    public void close() {
        dataSource.close();
    }
}
