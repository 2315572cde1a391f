package dev.whetstone.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Content storage with all-or-nothing visibility: bytes go to a {@link BlobWriter}, and only
 * {@link BlobWriter#commit()} makes them readable under their key (temp file + fsync + atomic rename locally).
 */
public interface BlobStore {
    BlobWriter create(String key) throws IOException;

    /** Opens committed content; empty when no blob has that key. */
    Optional<InputStream> open(String key) throws IOException;

    Optional<Long> size(String key) throws IOException;

    boolean delete(String key) throws IOException;

    /** Removes temp files that a crash left behind. Called once at start-up. */
    void cleanUpIncomplete() throws IOException;

    /**
     * Throws when the store cannot be reached now (readiness, docs/operations.md). By default it asks for the size
     * of a key that is never written, which costs one round trip to a remote store; stores with a cheaper or
     * stricter check override it.
     */
    default void checkReachable() throws IOException {
        size(".readiness-probe");
    }

    /** An open, not yet visible blob. Closing without commit discards it. */
    interface BlobWriter extends AutoCloseable {
        OutputStream out();

        /** Flushes to durable storage and makes the blob visible; returns its size in bytes. */
        long commit() throws IOException;

        @Override
        void close() throws IOException;
    }
}
