package dev.whetstone.store.sql;

import dev.whetstone.store.BaseModelStore;
import dev.whetstone.testing.BaseModelStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The stored base models on SQLite: one migrated file per class, emptied per test. */
class SqliteBaseModelStoreTest extends BaseModelStoreContract {
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

    @Override
    protected BaseModelStore emptyStore() {
        database.jdbi().useHandle(h -> h.execute("DELETE FROM base_models"));
        return new JdbiBaseModelStore(database);
    }
}
