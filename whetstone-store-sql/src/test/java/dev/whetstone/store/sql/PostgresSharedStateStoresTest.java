package dev.whetstone.store.sql;

import dev.whetstone.store.QuotaStore;
import dev.whetstone.store.ServiceSecretStore;
import dev.whetstone.testing.PostgresSchema;
import dev.whetstone.testing.QuotaStoreContract;
import dev.whetstone.testing.ServiceSecretStoreContract;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The stores replicas share (quota buckets, service secrets) on PostgreSQL, in a schema of their own; the second
 * replica is a second pool on the same schema. Skipped unless PostgreSQL is configured.
 */
class PostgresSharedStateStoresTest {
    private static PostgresSchema schema;
    private static Database database;
    private static Database replica;

    @BeforeAll
    static void openDatabase() throws SQLException {
        if (PostgresSchema.configuredUrl() == null) return; // each test then reports itself skipped
        schema = PostgresSchema.create();
        database = Database.open(schema.url());
        replica = Database.open(schema.url());
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (replica != null) replica.close();
        if (database != null) database.close();
        if (schema != null) schema.close();
    }

    @Nested
    class Quotas extends QuotaStoreContract {
        @Override
        protected QuotaStore emptyStore() {
            PostgresSchema.assumeConfigured();
            database.jdbi().useHandle(h -> h.execute("DELETE FROM quota_buckets"));
            return new JdbiQuotaStore(database);
        }

        @Override
        protected QuotaStore secondStore() { return new JdbiQuotaStore(replica); }
    }

    @Nested
    class Secrets extends ServiceSecretStoreContract {
        @Override
        protected ServiceSecretStore emptyStore() {
            PostgresSchema.assumeConfigured();
            database.jdbi().useHandle(h -> h.execute("DELETE FROM service_secrets"));
            return new JdbiServiceSecretStore(database);
        }
    }
}
