package dev.whetstone.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.whetstone.files.FilePurpose;
import dev.whetstone.files.FileRecord;
import dev.whetstone.files.FileStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {
    @TempDir
    Path folder;

    private String url(String name) {
        return "jdbc:sqlite:" + folder.resolve(name);
    }

    @Test
    void opensInWalModeWithForeignKeysBusyTimeoutAndFullSync() {
        try (Database db = Database.open(url("a.db"))) {
            assertThat(db.dialect()).isEqualTo(Database.Dialect.SQLITE);
            assertThat(pragma(db.jdbi(), "journal_mode")).isEqualTo("wal");
            assertThat(pragma(db.jdbi(), "foreign_keys")).isEqualTo("1");
            assertThat(pragma(db.jdbi(), "busy_timeout")).isEqualTo(String.valueOf(PoolSettings.SQLITE_BUSY_TIMEOUT_MS));
            assertThat(pragma(db.jdbi(), "synchronous")).isEqualTo("2");
        }
    }

    private static String pragma(Jdbi jdbi, String name) {
        return jdbi.withHandle(h -> h.createQuery("PRAGMA " + name).mapTo(String.class).one());
    }

    @Test
    void migrationsAreIdempotentAndKeepTheData() {
        FileRecord file = new FileRecord("file-1", 1, "a.jsonl", FilePurpose.FINE_TUNE, 3L, FileStatus.PENDING,
                null, null, null, null);
        try (Database first = Database.open(url("same.db"))) {
            new JdbiFileStore(first).insert(file);
            assertThat(SchemaChecks.appliedVersions(first.jdbi())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14");
        }
        try (Database second = Database.open(url("same.db"))) {
            assertThat(SchemaChecks.appliedVersions(second.jdbi())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14");
            assertThat(new JdbiFileStore(second).find("file-1")).contains(file);
        }
    }

    @Test
    void createsEveryTableOfTheFoundationSchema() {
        try (Database db = Database.open(url("schema.db"))) {
            SchemaChecks.assertAllTablesExist(db.jdbi());
        }
    }

    @Test
    void enforcesForeignKeys() {
        try (Database db = Database.open(url("fk.db"))) {
            SchemaChecks.assertJobChildrenNeedTheirJob(db.jdbi());
        }
    }

    @Test
    void createsMissingFoldersForTheFile() {
        try (Database db = Database.open(url("new/nested/data.db"))) {
            assertThat(SchemaChecks.count(db.jdbi(), "files")).isZero();
        }
        assertThat(folder.resolve("new/nested/data.db")).isRegularFile();
    }

    /** Read-then-write transactions from many threads are the case that hits SQLITE_BUSY when writers race. */
    @Test
    void concurrentReadThenWriteTransactionsAllCommit() throws Exception {
        try (Database db = Database.open(url("busy.db"));
                ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(threads.submit(() -> insertCounted(db.jdbi(), "t" + thread, 25)));
            }
            for (Future<?> f : done) f.get();
            assertThat(SchemaChecks.count(db.jdbi(), "deployments")).isEqualTo(200);
        }
    }

    /** Another process on the same file (the CLI beside the server) waits for the write lock, never fails. */
    @Test
    void twoDatabasesOnOneFileTakeTurnsWriting() throws Exception {
        try (Database a = Database.open(url("shared.db"));
                Database b = Database.open(url("shared.db"));
                ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<?> fa = threads.submit(() -> insertCounted(a.jdbi(), "a", 40));
            Future<?> fb = threads.submit(() -> insertCounted(b.jdbi(), "b", 40));
            fa.get();
            fb.get();
            assertThat(SchemaChecks.count(a.jdbi(), "deployments")).isEqualTo(80);
        }
    }

    private static void insertCounted(Jdbi jdbi, String account, int rows) {
        for (int i = 0; i < rows; i++) {
            jdbi.useTransaction(h -> {
                int before = h.createQuery("SELECT COUNT(*) FROM deployments").mapTo(Integer.class).one();
                h.createUpdate("INSERT INTO deployments (account, name, created_at, model, sku_name, sku_capacity, "
                                + "state) VALUES (:account, :name, 0, 'm', 'standard', 1, 'succeeded')")
                        .bind("account", account).bind("name", "d" + before).execute();
            });
        }
    }

    /** With one pooled connection, a store call inside a transaction must reuse it rather than wait forever. */
    @Test
    void storeCallsInsideATransactionReuseItsConnection() {
        try (Database db = Database.open(url("nested.db"))) {
            JdbiFileStore files = new JdbiFileStore(db);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> db.jdbi().useTransaction(h -> {
                files.insert(new FileRecord("file-n", 1, "n", FilePurpose.FINE_TUNE, null, FileStatus.PENDING,
                        null, null, null, null));
                assertThat(files.find("file-n")).isPresent();
            }));
        }
    }

    @Test
    void rejectsUrlsOfOtherDatabasesNamingTheSupportedOnes() {
        assertThatIllegalArgumentException().isThrownBy(() -> Database.open("jdbc:mysql://localhost/x"))
                .withMessageContaining("jdbc:sqlite:").withMessageContaining("jdbc:postgresql:");
    }

    @Test
    void aFileThatIsNotADatabaseFailsWithARemedy() throws Exception {
        Path garbage = Files.writeString(folder.resolve("garbage.db"), "this is not sqlite ".repeat(100));
        assertThatIllegalStateException().isThrownBy(() -> Database.open("jdbc:sqlite:" + garbage))
                .withMessageContaining("SQLITE");
    }

    @Test
    void anUnreachablePostgresFailsWithARemedy() {
        assertThatIllegalStateException()
                .isThrownBy(() -> Database.open("jdbc:postgresql://127.0.0.1:1/none?user=nobody&connectTimeout=2"))
                .withMessageContaining("Cannot connect to the POSTGRES database")
                .withMessageContaining("Check the database URL");
    }
}
