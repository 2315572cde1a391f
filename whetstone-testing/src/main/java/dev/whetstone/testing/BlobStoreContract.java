package dev.whetstone.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.store.BlobStore;
import dev.whetstone.store.BlobStore.BlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link BlobStore} adapter must have: nothing is visible before commit, a commit is
 * all-or-nothing, abandoned writes are discarded. Subclass once per adapter.
 */
public abstract class BlobStoreContract {
    protected BlobStore store;

    /** An empty store for one test (called before each test). */
    protected abstract BlobStore emptyStore() throws Exception;

    /** How many incomplete writes (temp files, open buffers) the store currently holds. */
    protected abstract long incompleteCount() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    protected static byte[] read(BlobStore store, String key) throws IOException {
        try (InputStream in = store.open(key).orElseThrow(() -> new AssertionError("no blob " + key))) {
            return in.readAllBytes();
        }
    }

    protected static long put(BlobStore store, String key, byte[] content) throws IOException {
        try (BlobWriter writer = store.create(key)) {
            writer.out().write(content);
            return writer.commit();
        }
    }

    @Test
    void committedContentIsReadableWithItsSize() throws IOException {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);

        assertThat(put(store, "files/file-1", content)).isEqualTo(content.length);
        assertThat(read(store, "files/file-1")).isEqualTo(content);
        assertThat(store.size("files/file-1")).contains((long) content.length);
    }

    @Test
    void anEmptyBlobIsABlob() throws IOException {
        assertThat(put(store, "empty", new byte[0])).isZero();
        assertThat(read(store, "empty")).isEmpty();
        assertThat(store.size("empty")).contains(0L);
    }

    @Test
    void nothingIsVisibleBeforeCommit() throws IOException {
        try (BlobWriter writer = store.create("jobs/ftjob-1/results.csv")) {
            writer.out().write("step,train_loss\n".getBytes(UTF_8));
            writer.out().flush();
            assertThat(store.open("jobs/ftjob-1/results.csv")).isEmpty();
            assertThat(store.size("jobs/ftjob-1/results.csv")).isEmpty();
            writer.commit();
        }
        assertThat(read(store, "jobs/ftjob-1/results.csv")).asString(UTF_8).isEqualTo("step,train_loss\n");
    }

    @Test
    void closingWithoutCommitDiscardsTheWrite() throws Exception {
        try (BlobWriter writer = store.create("files/file-2")) {
            writer.out().write(new byte[] {1, 2, 3});
        }
        assertThat(store.open("files/file-2")).isEmpty();
        assertThat(incompleteCount()).isZero();
    }

    @Test
    void aCommitReplacesTheOldContentWhole() throws IOException {
        put(store, "k", "old content, longer".getBytes(UTF_8));
        try (BlobWriter writer = store.create("k")) {
            writer.out().write("new".getBytes(UTF_8));
            writer.out().flush();
            assertThat(read(store, "k")).asString(UTF_8).isEqualTo("old content, longer");
            writer.commit();
        }
        assertThat(read(store, "k")).asString(UTF_8).isEqualTo("new");
        assertThat(store.size("k")).contains(3L);
    }

    @Test
    void committingTwiceIsAnErrorAndKeepsTheBlob() throws IOException {
        try (BlobWriter writer = store.create("k")) {
            writer.out().write(9);
            writer.commit();
            assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class);
        }
        assertThat(read(store, "k")).containsExactly(9);
    }

    @Test
    void deleteRemovesABlobOnce() throws IOException {
        put(store, "a/b", new byte[] {1});
        put(store, "a/c", new byte[] {2});

        assertThat(store.delete("a/b")).isTrue();
        assertThat(store.delete("a/b")).isFalse();
        assertThat(store.open("a/b")).isEmpty();
        assertThat(store.size("a/b")).isEmpty();
        assertThat(read(store, "a/c")).containsExactly(2);
    }

    @Test
    void missingKeysAreEmpty() throws IOException {
        assertThat(store.open("never/written")).isEmpty();
        assertThat(store.size("never/written")).isEmpty();
        assertThat(store.delete("never/written")).isFalse();
    }

    @Test
    void cleanUpDiscardsAbandonedWritesAndKeepsCommittedBlobs() throws Exception {
        put(store, "kept", new byte[] {4, 2});
        BlobWriter abandoned = store.create("abandoned");
        abandoned.out().write(new byte[1000]);
        abandoned.out().flush();
        assertThat(incompleteCount()).isEqualTo(1);

        store.cleanUpIncomplete();

        assertThat(incompleteCount()).isZero();
        assertThat(store.open("abandoned")).isEmpty();
        assertThat(read(store, "kept")).containsExactly(4, 2);
        assertThatThrownBy(abandoned::commit).as("a cleaned-up write must not publish").isInstanceOf(IOException.class);
        assertThat(store.open("abandoned")).isEmpty();
        abandoned.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "/etc/passwd", "a\\b", "", "a//b", "a/../../b", "./a", "a/"})
    void unsafeKeysAreRejectedEverywhere(String key) {
        assertThatIllegalArgumentException().isThrownBy(() -> store.create(key));
        assertThatIllegalArgumentException().isThrownBy(() -> store.open(key));
        assertThatIllegalArgumentException().isThrownBy(() -> store.size(key));
        assertThatIllegalArgumentException().isThrownBy(() -> store.delete(key));
    }
}
