package dev.whetstone.store.sql;

import dev.whetstone.testing.PostgresSchema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The migrations on PostgreSQL, each test in a fresh schema; skipped unless PostgreSQL is configured. */
class PostgresDatabaseTest {
    private PostgresSchema schema;

    @BeforeEach
    void createSchema() throws SQLException {
        schema = PostgresSchema.create();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema != null) schema.close();
    }

    @Test
    void migrationsAreIdempotentAndCreateEveryTable() {
        try (Database first = Database.open(schema.url())) {
            assertThat(first.dialect()).isEqualTo(Database.Dialect.POSTGRES);
            assertThat(SchemaChecks.appliedVersions(first.jdbi())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14");
        }
        try (Database second = Database.open(schema.url())) {
            assertThat(SchemaChecks.appliedVersions(second.jdbi())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14");
            SchemaChecks.assertAllTablesExist(second.jdbi());
        }
    }

    @Test
    void enforcesForeignKeys() {
        try (Database db = Database.open(schema.url())) {
            SchemaChecks.assertJobChildrenNeedTheirJob(db.jdbi());
        }
    }

    /** Quota buckets are rebuilt after a crash, so their writes skip the WAL and its flush; secrets are kept. */
    @Test
    void quotaBucketsAreUnloggedAndSecretsAreNot() {
        try (Database db = Database.open(schema.url())) {
            assertThat(persistence(db, "quota_buckets")).isEqualTo("u");
            assertThat(persistence(db, "service_secrets")).isEqualTo("p");
        }
    }

    private String persistence(Database db, String table) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT c.relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                + "WHERE n.nspname = :schema AND c.relname = :table")
                .bind("schema", schema.name()).bind("table", table).mapTo(String.class).one());
    }

    /** Cursor pagination needs ids ordered by code point, whatever the database's locale. */
    @Test
    void idsUseTheBinaryCollation() {
        try (Database db = Database.open(schema.url())) {
            String collation = db.jdbi().withHandle(h -> h.createQuery("""
                            SELECT collation_name FROM information_schema.columns
                            WHERE table_schema = :schema AND table_name = 'files' AND column_name = 'id'""")
                    .bind("schema", schema.name()).mapTo(String.class).one());
            assertThat(collation).isEqualTo("C");
        }
    }
}
