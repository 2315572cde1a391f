package dev.whetstone.store.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.store.BlobStore;
import dev.whetstone.store.BlobStore.BlobWriter;
import dev.whetstone.testing.BlobStoreContract;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path root;

    private LocalBlobStore local;

    @Override
    protected BlobStore emptyStore() throws IOException {
        local = LocalBlobStore.open(root);
        return local;
    }

    @Override
    protected long incompleteCount() throws IOException {
        return countFiles(local.tempDirectory());
    }

    private static long countFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }

    @Test
    void aCommittedBlobIsAFileUnderObjectsAndNoTempRemains() throws IOException {
        put(store, "files/file-1", "hello".getBytes(UTF_8));

        assertThat(root.resolve("objects/files/file-1")).hasContent("hello");
        assertThat(incompleteCount()).isZero();
    }

    @Test
    void blobsSurviveReopeningTheStore() throws IOException {
        put(store, "jobs/ftjob-1/results.csv", "step\n1\n".getBytes(UTF_8));

        LocalBlobStore reopened = LocalBlobStore.open(root);
        reopened.cleanUpIncomplete();
        assertThat(read(reopened, "jobs/ftjob-1/results.csv")).asString(UTF_8).isEqualTo("step\n1\n");
    }

    @Test
    void closingTheOutputStreamDoesNotEndTheWrite() throws IOException {
        try (BlobWriter writer = store.create("k")) {
            try (OutputStream out = writer.out()) {
                out.write("abc".getBytes(UTF_8));
            }
            assertThat(writer.commit()).isEqualTo(3);
        }
        assertThat(read(store, "k")).asString(UTF_8).isEqualTo("abc");
    }

    @Test
    void aKeyUnderAnExistingBlobFailsNamingTheConflict() throws IOException {
        put(store, "a", new byte[] {1});
        try (BlobWriter writer = store.create("a/b")) {
            writer.out().write(2);
            assertThatThrownBy(writer::commit).isInstanceOf(IOException.class)
                    .hasMessageContaining("'a/b'").hasMessageContaining("not prefixes");
        }
        assertThat(incompleteCount()).isZero();
        assertThat(read(store, "a")).containsExactly(1);
        assertThat(store.open("a/b")).isEmpty();
    }

    @Test
    void aFolderIsNotABlob() throws IOException {
        put(store, "dir/x", new byte[] {1});

        assertThat(store.open("dir")).isEmpty();
        assertThat(store.size("dir")).isEmpty();
        assertThat(store.delete("dir")).isFalse();
        assertThat(read(store, "dir/x")).containsExactly(1);
    }

    /** A real crash: a child JVM writes and halts without commit or close. */
    @Test
    void aWriterKilledMidWriteLeavesNothingVisibleAndCleanUpRemovesItsTemp() throws Exception {
        put(store, "kept", new byte[] {7});
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                AbandonedWrite.class.getName(), root.toString(), "files/file-crash")
                .redirectErrorStream(true).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        assertThat(child.exitValue()).as(new String(child.getInputStream().readAllBytes(), UTF_8))
                .isEqualTo(AbandonedWrite.EXIT_CODE);

        LocalBlobStore afterRestart = LocalBlobStore.open(root);
        assertThat(afterRestart.open("files/file-crash")).isEmpty();
        assertThat(afterRestart.size("files/file-crash")).isEmpty();
        assertThat(countFiles(afterRestart.tempDirectory())).as("the crashed write's temp file").isEqualTo(1);

        afterRestart.cleanUpIncomplete();
        assertThat(countFiles(afterRestart.tempDirectory())).isZero();
        assertThat(read(afterRestart, "kept")).containsExactly(7);
    }
}
