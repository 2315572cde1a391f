package dev.whetstone.files;

import dev.whetstone.store.BlobStore;
import java.io.IOException;

/**
 * Upload content that is completely written but not yet visible: {@link FileService#create} commits it,
 * {@link #close()} discards it. Lets the HTTP layer stream the file part before it has read the purpose part.
 */
public final class StagedContent implements AutoCloseable {
    final String id;
    final BlobStore.BlobWriter writer;
    final long bytes;
    final String sha256;

    StagedContent(String id, BlobStore.BlobWriter writer, long bytes, String sha256) {
        this.id = id;
        this.writer = writer;
        this.bytes = bytes;
        this.sha256 = sha256;
    }

    public long bytes() { return bytes; }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
