package dev.whetstone.artifacts;

import dev.whetstone.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's local copies of published folders, one folder per content hash ({@code <root>/<sha256>}), at most
 * {@code maxBytes} in all: least recently used folders are evicted first, never one in use (pinned by an open
 * {@link ArtifactStore.Checkout}). A folder larger than the whole budget is still served (pinned); it is the first
 * to go once released. Fills download into {@code <root>/tmp-…} and are renamed into place whole, so a folder under
 * its hash is always complete; temp folders left by a crash are removed at start.
 */
public final class FolderCache {
    private static final Logger LOG = LoggerFactory.getLogger(FolderCache.class);
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    /** Fills {@code tmp} with the folder's files, verified; throws when they cannot be had whole. */
    @FunctionalInterface
    public interface Fill {
        void into(Path tmp) throws IOException;
    }

    private static final class Entry {
        final long bytes;
        long lastUsed;
        int pins;

        Entry(long bytes, long lastUsed) {
            this.bytes = bytes;
            this.lastUsed = lastUsed;
        }
    }

    private final Path root;
    private final long maxBytes;
    private final Map<String, Entry> entries = new HashMap<>();
    private final ConcurrentHashMap<String, ReentrantLock> filling = new ConcurrentHashMap<>();
    private long clock;
    private long usedBytes;
    private long hits;
    private long misses;
    private long downloadedBytes;
    private long evictions;

    public FolderCache(Path root, long maxBytes) throws IOException {
        if (maxBytes < 0) throw new IllegalArgumentException("the cache size must be 0 or more bytes, got " + maxBytes);
        this.root = Files.createDirectories(root.toAbsolutePath().normalize());
        this.maxBytes = maxBytes;
        try (Stream<Path> children = Files.list(this.root)) {
            // oldest first, so the LRU order survives a restart as well as modification times tell it
            for (Path p : children.sorted((a, b) -> Long.compare(mtime(a), mtime(b))).toList()) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && HASH.matcher(name).matches()) {
                    entries.put(name, new Entry(sizeOf(p), ++clock));
                    usedBytes += entries.get(name).bytes;
                } else {
                    Folders.deleteTree(p); // an interrupted fill
                }
            }
        }
        synchronized (this) {
            evict();
        }
    }

    /**
     * The folder of {@code hash}, pinned until the checkout is closed: from the cache (a hit) or filled by
     * {@code fill} (a miss, counted with its bytes). Concurrent requests for one hash fill it once.
     */
    public ArtifactStore.Checkout acquire(String hash, Fill fill) throws IOException {
        if (!HASH.matcher(hash).matches()) throw new IllegalArgumentException("not a SHA-256 content hash: " + hash);
        ReentrantLock lock = filling.computeIfAbsent(hash, h -> new ReentrantLock());
        lock.lock();
        try {
            synchronized (this) {
                Entry e = entries.get(hash);
                if (e != null) {
                    hits++;
                    return pin(hash, e);
                }
                misses++;
            }
            Path tmp = Files.createTempDirectory(root, "tmp-");
            try {
                fill.into(tmp);
                long bytes = sizeOf(tmp);
                Path dir = root.resolve(hash);
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException ex) {
                    Folders.deleteTree(dir); // a stale folder this process did not know (removed entry); ours is verified
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                }
                synchronized (this) {
                    Entry e = new Entry(bytes, ++clock);
                    entries.put(hash, e);
                    usedBytes += bytes;
                    downloadedBytes += bytes;
                    ArtifactStore.Checkout checkout = pin(hash, e);
                    evict();
                    return checkout;
                }
            } finally {
                Folders.deleteTree(tmp);
            }
        } finally {
            lock.unlock();
        }
    }

    private ArtifactStore.Checkout pin(String hash, Entry e) {
        e.pins++;
        e.lastUsed = ++clock;
        Path dir = root.resolve(hash);
        return new ArtifactStore.Checkout() {
            private boolean closed;

            @Override public Path dir() { return dir; }

            @Override
            public void close() {
                synchronized (FolderCache.this) {
                    if (closed) return;
                    closed = true;
                    e.pins--;
                    evict();
                }
            }
        };
    }

    /** Removes least recently used, unpinned folders until the cache fits its budget. Caller holds the monitor. */
    private void evict() {
        while (usedBytes > maxBytes) {
            String victim = null;
            long oldest = Long.MAX_VALUE;
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                if (e.getValue().pins == 0 && e.getValue().lastUsed < oldest) {
                    oldest = e.getValue().lastUsed;
                    victim = e.getKey();
                }
            }
            if (victim == null) return; // everything left is in use
            Entry gone = entries.remove(victim);
            usedBytes -= gone.bytes;
            evictions++;
            try {
                Folders.deleteTree(root.resolve(victim));
            } catch (RuntimeException ex) {
                LOG.warn("could not delete evicted cache folder {}: {}", victim, ex.getMessage());
            }
        }
    }

    public synchronized boolean contains(String hash) { return entries.containsKey(hash); }

    public long maxBytes() { return maxBytes; }

    public synchronized long usedBytes() { return usedBytes; }

    public synchronized long hits() { return hits; }

    public synchronized long misses() { return misses; }

    /** Bytes put into the cache by fills (downloads) since start. */
    public synchronized long downloadedBytes() { return downloadedBytes; }

    public synchronized long evictions() { return evictions; }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            long total = 0;
            for (Path p : (Iterable<Path>) all::iterator) if (Files.isRegularFile(p)) total += Files.size(p);
            return total;
        }
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
