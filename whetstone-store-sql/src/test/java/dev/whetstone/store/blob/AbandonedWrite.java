package dev.whetstone.store.blob;

import dev.whetstone.store.BlobStore.BlobWriter;
import java.nio.file.Path;

/** Child process of the crash test: writes 1 MiB to a blob, then dies without commit, close or shutdown hooks. */
final class AbandonedWrite {
    static final int EXIT_CODE = 37;

    private AbandonedWrite() {}

    public static void main(String[] args) throws Exception {
        LocalBlobStore store = LocalBlobStore.open(Path.of(args[0]));
        BlobWriter writer = store.create(args[1]);
        writer.out().write(new byte[1 << 20]);
        writer.out().flush();
        Runtime.getRuntime().halt(EXIT_CODE);
    }
}
