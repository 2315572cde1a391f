package dev.whetstone.store.sql;

import dev.whetstone.testing.PostgresSchema;

import dev.whetstone.store.CheckpointStore;
import dev.whetstone.store.DeploymentStore;
import dev.whetstone.store.JobEventStore;
import dev.whetstone.store.JobStore;
import dev.whetstone.store.ModelStore;
import dev.whetstone.store.SafetyStore;
import dev.whetstone.testing.CheckpointStoreContract;
import dev.whetstone.testing.DeploymentStoreContract;
import dev.whetstone.testing.JobEventStoreContract;
import dev.whetstone.testing.JobStoreContract;
import dev.whetstone.testing.ModelStoreContract;
import dev.whetstone.testing.SafetyStoreContract;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The job-side store contracts on PostgreSQL, in a schema of their own; skipped unless PostgreSQL is configured. */
class PostgresJobStoresTest {
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

    @Nested
    class Jobs extends JobStoreContract {
        @Override
        protected JobStore emptyStore() {
            PostgresSchema.assumeConfigured();
            JobTables.empty(database);
            return new JdbiJobStore(database);
        }
    }

    @Nested
    class Events extends JobEventStoreContract {
        @Override
        protected JobEventStore emptyStore() {
            PostgresSchema.assumeConfigured();
            JobTables.emptyWithContractJobs(database);
            return new JdbiJobEventStore(database);
        }
    }

    @Nested
    class Checkpoints extends CheckpointStoreContract {
        @Override
        protected CheckpointStore emptyStore() {
            PostgresSchema.assumeConfigured();
            JobTables.emptyWithContractJobs(database);
            return new JdbiCheckpointStore(database);
        }
    }

    @Nested
    class Deployments extends DeploymentStoreContract {
        @Override
        protected DeploymentStore emptyStore() {
            PostgresSchema.assumeConfigured();
            database.jdbi().useHandle(h -> h.execute("DELETE FROM deployments"));
            return new JdbiDeploymentStore(database);
        }
    }

    @Nested
    class Processes extends dev.whetstone.testing.ProcessStoreContract {
        @Override
        protected dev.whetstone.store.ProcessStore emptyStore() {
            PostgresSchema.assumeConfigured();
            database.jdbi().useHandle(h -> h.execute("DELETE FROM processes"));
            return new JdbiProcessStore(database);
        }
    }

    @Nested
    class AccountKeys extends dev.whetstone.testing.AccountKeyStoreContract {
        @Override
        protected dev.whetstone.store.AccountKeyStore emptyStore() {
            PostgresSchema.assumeConfigured();
            database.jdbi().useHandle(h -> h.execute("DELETE FROM account_keys"));
            return new JdbiAccountKeyStore(database);
        }
    }

    @Nested
    class Accounts extends dev.whetstone.testing.AccountStoreContract {
        @Override
        protected dev.whetstone.store.AccountStore emptyStore() {
            PostgresSchema.assumeConfigured();
            database.jdbi().useHandle(h -> {
                h.execute("DELETE FROM accounts");
                h.execute("DELETE FROM job_accounts");
            });
            return new JdbiAccountStore(database);
        }
    }

    @Nested
    class Safety extends SafetyStoreContract {
        @Override
        protected SafetyStore emptyStore() {
            PostgresSchema.assumeConfigured();
            database.jdbi().useHandle(h -> {
                h.execute("DELETE FROM rai_blocklist_items");
                h.execute("DELETE FROM rai_blocklists");
                h.execute("DELETE FROM rai_policies");
            });
            return new JdbiSafetyStore(database);
        }
    }

    @Nested
    class Models extends ModelStoreContract {
        @Override
        protected ModelStore emptyStore() {
            PostgresSchema.assumeConfigured();
            JobTables.empty(database);
            return new JdbiModelStore(database);
        }
    }

    @Nested
    class SqlSpecifics extends JobStoresSqlChecks {
        @Override
        protected Database database() {
            PostgresSchema.assumeConfigured();
            return database;
        }
    }
}
