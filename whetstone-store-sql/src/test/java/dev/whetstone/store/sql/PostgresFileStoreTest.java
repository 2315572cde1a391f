package dev.whetstone.store.sql;

import dev.whetstone.testing.PostgresSchema;

import dev.whetstone.store.FileStore;
import dev.whetstone.testing.FileStoreContract;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The FileStore contract on PostgreSQL, in a schema of its own; skipped unless PostgreSQL is configured. */
class PostgresFileStoreTest extends FileStoreContract {
    private static PostgresSchema schema;
    private static Database database;

    @BeforeAll
    static void openDatabase() throws SQLException {
        if (PostgresSchema.configuredUrl() == null) return; // each test then reports itself skipped
        schema = PostgresSchema.create();
        database = Database.open(schema.url());
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (database != null) database.close();
        if (schema != null) schema.close();
    }

    @Override
    protected FileStore emptyStore() {
        PostgresSchema.assumeConfigured();
        database.jdbi().useHandle(h -> h.execute("DELETE FROM files"));
        return new JdbiFileStore(database);
    }
}
