package dev.whetstone.store.sql;

import dev.whetstone.store.CheckpointStore;
import dev.whetstone.store.DeploymentStore;
import dev.whetstone.store.SafetyStore;
import dev.whetstone.testing.SafetyStoreContract;
import dev.whetstone.store.JobEventStore;
import dev.whetstone.store.JobStore;
import dev.whetstone.store.ModelStore;
import dev.whetstone.testing.CheckpointStoreContract;
import dev.whetstone.testing.DeploymentStoreContract;
import dev.whetstone.testing.JobEventStoreContract;
import dev.whetstone.testing.JobStoreContract;
import dev.whetstone.testing.ModelStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The job-side store contracts on one migrated SQLite file, emptied before each test. */
class SqliteJobStoresTest {
    @TempDir
    static Path folder;

    private static Database database;

    @BeforeAll
    static void openDatabase() {
        database = Database.open("jdbc:sqlite:" + folder.resolve("whetstone.db"));
    }

    @AfterAll
    static void closeDatabase() {
        if (database != null) database.close();
    }

    @Nested
    class Jobs extends JobStoreContract {
        @Override
        protected JobStore emptyStore() {
            JobTables.empty(database);
            return new JdbiJobStore(database);
        }
    }

    @Nested
    class Events extends JobEventStoreContract {
        @Override
        protected JobEventStore emptyStore() {
            JobTables.emptyWithContractJobs(database);
            return new JdbiJobEventStore(database);
        }
    }

    @Nested
    class Checkpoints extends CheckpointStoreContract {
        @Override
        protected CheckpointStore emptyStore() {
            JobTables.emptyWithContractJobs(database);
            return new JdbiCheckpointStore(database);
        }
    }

    @Nested
    class Deployments extends DeploymentStoreContract {
        @Override
        protected DeploymentStore emptyStore() {
            database.jdbi().useHandle(h -> h.execute("DELETE FROM deployments"));
            return new JdbiDeploymentStore(database);
        }
    }

    @Nested
    class Processes extends dev.whetstone.testing.ProcessStoreContract {
        @Override
        protected dev.whetstone.store.ProcessStore emptyStore() {
            database.jdbi().useHandle(h -> h.execute("DELETE FROM processes"));
            return new JdbiProcessStore(database);
        }
    }

    @Nested
    class AccountKeys extends dev.whetstone.testing.AccountKeyStoreContract {
        @Override
        protected dev.whetstone.store.AccountKeyStore emptyStore() {
            database.jdbi().useHandle(h -> h.execute("DELETE FROM account_keys"));
            return new JdbiAccountKeyStore(database);
        }
    }

    @Nested
    class Accounts extends dev.whetstone.testing.AccountStoreContract {
        @Override
        protected dev.whetstone.store.AccountStore emptyStore() {
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
            JobTables.empty(database);
            return new JdbiModelStore(database);
        }
    }

    @Nested
    class SqlSpecifics extends JobStoresSqlChecks {
        @Override
        protected Database database() {
            return database;
        }
    }
}
