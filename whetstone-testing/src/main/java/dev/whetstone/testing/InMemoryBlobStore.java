package dev.whetstone.testing;

import dev.whetstone.store.BlobKeys;
import dev.whetstone.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link BlobStore} in memory, for unit tests of services. Open writers play the part of the local store's
 * temp files: {@link #cleanUpIncomplete()} discards them, after which their commit fails as a local one would.
 */
public final class InMemoryBlobStore implements BlobStore {
    private final ConcurrentMap<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Set<Writer> incomplete = ConcurrentHashMap.newKeySet();

    @Override
    public BlobWriter create(String key) {
        Writer writer = new Writer(BlobKeys.requireValid(key));
        incomplete.add(writer);
        return writer;
    }

    @Override
    public Optional<InputStream> open(String key) {
        return Optional.ofNullable(blobs.get(BlobKeys.requireValid(key))).map(ByteArrayInputStream::new);
    }

    @Override
    public Optional<Long> size(String key) {
        return Optional.ofNullable(blobs.get(BlobKeys.requireValid(key))).map(b -> (long) b.length);
    }

    @Override
    public boolean delete(String key) {
        return blobs.remove(BlobKeys.requireValid(key)) != null;
    }

    @Override
    public void cleanUpIncomplete() {
        incomplete.clear();
    }

    /** Writers neither committed nor closed: the in-memory counterpart of stray temp files. */
    public int incompleteCount() {
        return incomplete.size();
    }

    private final class Writer implements BlobWriter {
        private final String key;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private boolean committed;

        Writer(String key) { this.key = key; }

        @Override
        public OutputStream out() { return buffer; }

        @Override
        public long commit() throws IOException {
            if (committed) throw new IllegalStateException("blob '" + key + "' is already committed");
            if (!incomplete.remove(this)) {
                throw new IOException("blob '" + key + "' was discarded (closed or cleaned up) before commit");
            }
            committed = true;
            byte[] bytes = buffer.toByteArray();
            blobs.put(key, bytes);
            return bytes.length;
        }

        @Override
        public void close() {
            incomplete.remove(this);
        }
    }
}
