package dev.whetstone.store.sql;

import dev.whetstone.store.BaseModelStore;
import dev.whetstone.testing.BaseModelStoreContract;
import dev.whetstone.testing.PostgresSchema;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The stored base models on PostgreSQL, in a schema of its own; skipped unless PostgreSQL is configured. */
class PostgresBaseModelStoreTest extends BaseModelStoreContract {
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
    protected BaseModelStore emptyStore() {
        PostgresSchema.assumeConfigured();
        database.jdbi().useHandle(h -> h.execute("DELETE FROM base_models"));
        return new JdbiBaseModelStore(database);
    }
}
