package dev.whetstone.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, randomly named PostgreSQL schema for one test class, so parallel and CI runs sharing a database
 * never see each other's tables. The database comes from {@value #ENV}; without it the tests are skipped.
 */
public final class PostgresSchema implements AutoCloseable {
    public static final String ENV = "WHETSTONE_TEST_POSTGRES_URL";

    private final String baseUrl;
    private final String name;

    private PostgresSchema(String baseUrl, String name) {
        this.baseUrl = baseUrl;
        this.name = name;
    }

    /** The configured base URL, or null. */
    public static String configuredUrl() {
        String url = System.getenv(ENV);
        return url == null || url.isBlank() ? null : url;
    }

    /** Skips the calling test (reported as skipped) unless PostgreSQL is configured. */
    public static void assumeConfigured() {
        assumeTrue(configuredUrl() != null, "PostgreSQL tests skipped: set " + ENV
                + " (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres) to run them");
    }

    public static PostgresSchema create() throws SQLException {
        assumeConfigured();
        PostgresSchema schema = new PostgresSchema(configuredUrl(),
                "whetstone_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        schema.execute("CREATE SCHEMA " + schema.name);
        return schema;
    }

    public String name() { return name; }

    /** The base URL with this schema as the connection's current schema. */
    public String url() {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
}
