package dev.whetstone.store.sql;

import dev.whetstone.store.FileStore;
import dev.whetstone.testing.FileStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One migrated SQLite file per class (migrating per test costs more than the tests); emptied per test. */
class SqliteFileStoreTest extends FileStoreContract {
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
    protected FileStore emptyStore() {
        database.jdbi().useHandle(h -> h.execute("DELETE FROM files"));
        return new JdbiFileStore(database);
    }
}
