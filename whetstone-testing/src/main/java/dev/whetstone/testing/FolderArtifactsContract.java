package dev.whetstone.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.artifacts.ArtifactStore;
import dev.whetstone.artifacts.BlobFolderArtifacts;
import dev.whetstone.artifacts.FolderCache;
import dev.whetstone.artifacts.Manifest;
import dev.whetstone.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What folder artifacts over a {@link BlobStore} must do on every adapter: a published folder comes back byte for
 * byte, visible whole or not at all (a publish that dies midway shows nothing, or the previous version), a corrupted
 * file is detected, and the cache evicts least recently used folders but never one in use. Subclass once per adapter.
 */
public abstract class FolderArtifactsContract {
    @TempDir protected Path tmp;
    protected BlobStore blobs;

    /** An empty blob store for one test. */
    protected abstract BlobStore emptyBlobStore() throws Exception;

    @BeforeEach
    final void setUpBlobs() throws Exception {
        blobs = emptyBlobStore();
    }

    private BlobFolderArtifacts artifacts(long cacheBytes) throws IOException {
        return new BlobFolderArtifacts(blobs, new FolderCache(tmp.resolve("cache"), cacheBytes));
    }

    /** A folder of {@code bytes} bytes in one file plus a small nested one, content varied by {@code tag}. */
    private Path folder(String name, String tag, int bytes) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src").resolve(name));
        Files.write(dir.resolve("weights.bin"), (tag.repeat(bytes / tag.length() + 1)).substring(0, bytes).getBytes(UTF_8));
        Files.createDirectories(dir.resolve("sub dir"));
        Files.writeString(dir.resolve("sub dir/config.json"), "{\"tag\":\"" + tag + "\"}");
        return dir;
    }

    private static String read(Path p) throws IOException { return Files.readString(p); }

    @Test
    void aPublishedFolderComesBackWholeAndIsThenServedFromTheCache() throws Exception {
        BlobFolderArtifacts store = artifacts(1 << 20);
        Path src = folder("a", "x", 1000);
        store.publish("jobs/j1/checkpoints/step-5", src);
        assertThat(store.exists("jobs/j1/checkpoints/step-5")).isTrue();
        try (ArtifactStore.Checkout c = store.checkout("jobs/j1/checkpoints/step-5")) {
            assertThat(read(c.dir().resolve("weights.bin"))).isEqualTo(read(src.resolve("weights.bin")));
            assertThat(read(c.dir().resolve("sub dir/config.json"))).isEqualTo("{\"tag\":\"x\"}");
        }
        try (ArtifactStore.Checkout c = store.checkout("jobs/j1/checkpoints/step-5")) {
            assertThat(c.dir().resolve("weights.bin")).exists();
        }
        FolderCache cache = store.cache();
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.downloadedBytes()).isEqualTo(1000 + "{\"tag\":\"x\"}".length());
    }

    @Test
    void nothingIsPublishedUnderAnUnknownKey() throws Exception {
        BlobFolderArtifacts store = artifacts(1 << 20);
        assertThat(store.exists("models/none")).isFalse();
        assertThatThrownBy(() -> store.checkout("models/none")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.copyTo("models/none", tmp.resolve("out"))).isInstanceOf(NoSuchFileException.class);
        assertThat(store.delete("models/none")).isFalse();
    }

    @Test
    void aPublishThatDiesMidwayLeavesNothingVisibleAndThePreviousVersionIntact() throws Exception {
        AtomicInteger createsLeft = new AtomicInteger(Integer.MAX_VALUE);
        BlobStore dying = failingAfter(blobs, createsLeft);
        BlobFolderArtifacts store = new BlobFolderArtifacts(dying, new FolderCache(tmp.resolve("cache"), 1 << 20));

        createsLeft.set(1); // the first file is written, the second write dies: no manifest
        assertThatThrownBy(() -> store.publish("jobs/j1/resume", folder("v1", "a", 100))).isInstanceOf(IOException.class);
        assertThat(store.exists("jobs/j1/resume")).isFalse();
        assertThatThrownBy(() -> store.checkout("jobs/j1/resume")).isInstanceOf(NoSuchFileException.class);

        createsLeft.set(Integer.MAX_VALUE);
        store.publish("jobs/j1/resume", folder("v2", "b", 100));
        createsLeft.set(2); // both files of the next version are written, its manifest is not
        assertThatThrownBy(() -> store.publish("jobs/j1/resume", folder("v3", "c", 100))).isInstanceOf(IOException.class);
        try (ArtifactStore.Checkout c = store.checkout("jobs/j1/resume")) {
            assertThat(read(c.dir().resolve("sub dir/config.json"))).isEqualTo("{\"tag\":\"b\"}");
        }
    }

    @Test
    void republishingReplacesTheFolderWholeAndDeletesTheOldVersionsBlobs() throws Exception {
        BlobFolderArtifacts store = artifacts(1 << 20);
        store.publish("jobs/j1/resume", folder("v1", "a", 100));
        Manifest first = store.manifest("jobs/j1/resume").orElseThrow();
        Path v2 = folder("v2", "b", 50);
        Files.delete(v2.resolve("sub dir/config.json"));
        store.publish("jobs/j1/resume", v2);
        Manifest second = store.manifest("jobs/j1/resume").orElseThrow();
        assertThat(second.version()).isNotEqualTo(first.version());
        assertThat(second.files()).extracting(Manifest.Entry::path).containsExactly("weights.bin");
        assertThat(blobs.open("jobs/j1/resume/" + first.version() + "/0")).isEmpty();
        assertThat(blobs.open("jobs/j1/resume/" + first.version() + "/1")).isEmpty();
        try (ArtifactStore.Checkout c = store.checkout("jobs/j1/resume")) {
            try (Stream<Path> files = Files.walk(c.dir())) {
                assertThat(files.filter(Files::isRegularFile).map(p -> c.dir().relativize(p).toString()))
                        .containsExactly("weights.bin");
            }
            assertThat(read(c.dir().resolve("weights.bin"))).isEqualTo("b".repeat(50));
        }
    }

    @Test
    void aCorruptedFileIsDetectedAndNothingIsCached() throws Exception {
        BlobFolderArtifacts store = artifacts(1 << 20);
        store.publish("models/m", folder("m", "a", 100));
        Manifest m = store.manifest("models/m").orElseThrow();
        int weights = m.files().stream().map(Manifest.Entry::path).toList().indexOf("weights.bin");
        try (BlobStore.BlobWriter w = blobs.create("models/m/" + m.version() + "/" + weights)) {
            w.out().write("b".repeat(100).getBytes(UTF_8)); // same size, other bytes
            w.commit();
        }
        assertThatThrownBy(() -> store.checkout("models/m")).isInstanceOf(IOException.class)
                .hasMessageContaining("weights.bin").hasMessageContaining("corrupted");
        assertThat(store.cache().contains(m.contentHash())).isFalse();
        assertThat(store.cache().usedBytes()).isZero();
        try (Stream<Path> left = Files.list(tmp.resolve("cache"))) {
            assertThat(left).isEmpty(); // the verified-then-renamed rule: no half folder stays behind
        }
        assertThatThrownBy(() -> store.copyTo("models/m", tmp.resolve("copy"))).hasMessageContaining("corrupted");
        assertThat(tmp.resolve("copy")).doesNotExist();
    }

    @Test
    void theLeastRecentlyUsedFolderIsEvictedButNeverOneInUse() throws Exception {
        int folderBytes = 1000 + "{\"tag\":\"a\"}".length();
        BlobFolderArtifacts store = artifacts(2L * folderBytes); // room for two folders
        for (String k : new String[] {"a", "b", "c"}) store.publish("models/" + k, folder(k, k, 1000));
        String a = store.manifest("models/a").orElseThrow().contentHash();
        String b = store.manifest("models/b").orElseThrow().contentHash();
        String c = store.manifest("models/c").orElseThrow().contentHash();
        FolderCache cache = store.cache();

        store.checkout("models/a").close();
        store.checkout("models/b").close();
        store.checkout("models/a").close(); // a is now more recently used than b
        store.checkout("models/c").close();
        assertThat(cache.contains(b)).isFalse();
        assertThat(cache.contains(a)).isTrue();
        assertThat(cache.contains(c)).isTrue();
        assertThat(cache.evictions()).isEqualTo(1);

        try (ArtifactStore.Checkout pinnedA = store.checkout("models/a");
             ArtifactStore.Checkout pinnedC = store.checkout("models/c");
             ArtifactStore.Checkout overB = store.checkout("models/b")) {
            // three pinned folders over a two-folder budget: none may go while in use
            assertThat(cache.usedBytes()).isEqualTo(3L * folderBytes);
            assertThat(pinnedA.dir().resolve("weights.bin")).exists();
            assertThat(pinnedC.dir().resolve("weights.bin")).exists();
            assertThat(overB.dir().resolve("weights.bin")).exists();
        }
        // b is released first (resources close in reverse) while a and c are still pinned: it is the one to go
        assertThat(cache.usedBytes()).isEqualTo(2L * folderBytes);
        assertThat(cache.contains(b)).isFalse();
        assertThat(cache.contains(a)).isTrue();
    }

    @Test
    void concurrentCheckoutsOfOneFolderDownloadItOnce() throws Exception {
        BlobFolderArtifacts store = artifacts(1 << 20);
        store.publish("models/m", folder("m", "a", 5000));
        int threads = 8;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Path>> dirs = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                dirs.add(pool.submit(() -> {
                    start.await();
                    try (ArtifactStore.Checkout c = store.checkout("models/m")) {
                        assertThat(Files.size(c.dir().resolve("weights.bin"))).isEqualTo(5000);
                        return c.dir();
                    }
                }));
            }
            start.countDown();
            for (var d : dirs) assertThat(d.get()).isEqualTo(dirs.getFirst().get());
        }
        assertThat(store.cache().misses()).isEqualTo(1);
        assertThat(store.cache().hits()).isEqualTo(threads - 1);
    }

    @Test
    void aRestartedCacheKeepsCompleteFoldersAndDropsInterruptedFills() throws Exception {
        BlobFolderArtifacts store = artifacts(1 << 20);
        store.publish("models/m", folder("m", "a", 100));
        store.checkout("models/m").close();
        Files.createDirectories(tmp.resolve("cache/tmp-123/x"));
        FolderCache restarted = new FolderCache(tmp.resolve("cache"), 1 << 20);
        assertThat(tmp.resolve("cache/tmp-123")).doesNotExist();
        assertThat(restarted.contains(store.manifest("models/m").orElseThrow().contentHash())).isTrue();
        BlobFolderArtifacts again = new BlobFolderArtifacts(blobs, restarted);
        again.checkout("models/m").close();
        assertThat(restarted.hits()).isEqualTo(1);
        assertThat(restarted.misses()).isZero();
    }

    @Test
    void copyToGivesAPrivateWritableCopyAndDeleteRemovesTheFolder() throws Exception {
        BlobFolderArtifacts store = artifacts(1 << 20);
        store.publish("jobs/j1/resume", folder("r", "a", 10));
        Path target = tmp.resolve("work/jobs/j1/resume");
        Files.createDirectories(target);
        Files.writeString(target.resolve("stale"), "old");
        store.copyTo("jobs/j1/resume", target);
        assertThat(target.resolve("stale")).doesNotExist();
        assertThat(read(target.resolve("weights.bin"))).isEqualTo("a".repeat(10));
        assertThat(store.cache().misses()).isZero(); // private copies bypass the cache

        Manifest m = store.manifest("jobs/j1/resume").orElseThrow();
        assertThat(store.delete("jobs/j1/resume")).isTrue();
        assertThat(store.exists("jobs/j1/resume")).isFalse();
        assertThat(blobs.open("jobs/j1/resume/" + m.version() + "/0")).isEmpty();
    }

    /** {@code blobs}, with every create after the first {@code left} throwing, as a store going away would. */
    private static BlobStore failingAfter(BlobStore blobs, AtomicInteger left) {
        return new BlobStore() {
            @Override
            public BlobWriter create(String key) throws IOException {
                if (left.getAndDecrement() <= 0) throw new IOException("simulated crash writing " + key);
                return blobs.create(key);
            }

            @Override public Optional<InputStream> open(String key) throws IOException { return blobs.open(key); }

            @Override public Optional<Long> size(String key) throws IOException { return blobs.size(key); }

            @Override public boolean delete(String key) throws IOException { return blobs.delete(key); }

            @Override public void cleanUpIncomplete() throws IOException { blobs.cleanUpIncomplete(); }
        };
    }
}
