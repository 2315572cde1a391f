package dev.whetstone.store.sql;

import dev.whetstone.store.QuotaStore;
import dev.whetstone.store.ServiceSecretStore;
import dev.whetstone.testing.QuotaStoreContract;
import dev.whetstone.testing.ServiceSecretStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The stores replicas share (quota buckets, service secrets) on SQLite; the second replica is a second pool. */
class SqliteSharedStateStoresTest {
    @TempDir Path folder;
    private Database first;
    private Database second;

    private Database open() {
        first = Database.open("jdbc:sqlite:" + folder.resolve("shared.db"));
        return first;
    }

    @AfterEach
    void close() {
        if (second != null) second.close();
        if (first != null) first.close();
    }

    @Nested
    class Quotas extends QuotaStoreContract {
        @Override
        protected QuotaStore emptyStore() { return new JdbiQuotaStore(open()); }

        @Override
        protected QuotaStore secondStore() {
            second = Database.open("jdbc:sqlite:" + folder.resolve("shared.db"));
            return new JdbiQuotaStore(second);
        }
    }

    @Nested
    class Secrets extends ServiceSecretStoreContract {
        @Override
        protected ServiceSecretStore emptyStore() { return new JdbiServiceSecretStore(open()); }
    }
}
