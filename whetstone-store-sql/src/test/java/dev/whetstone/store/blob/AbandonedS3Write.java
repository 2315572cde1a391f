package dev.whetstone.store.blob;

import dev.whetstone.store.BlobStore.BlobWriter;
import java.net.URI;

/**
 * Child process of the S3 crash test: with credentials and region from the standard AWS variables only, writes one
 * part and a byte more (so a multipart upload holds a part), then dies without commit, close or shutdown hooks.
 */
final class AbandonedS3Write {
    static final int EXIT_CODE = 38;

    private AbandonedS3Write() {}

    public static void main(String[] args) throws Exception {
        S3Settings settings = S3Settings.of(new S3Location(args[1], "whetstone"), URI.create(args[0]), true)
                .withPartSize(S3Settings.MIN_PART_SIZE);
        S3BlobStore store = S3BlobStore.open(settings);
        BlobWriter writer = store.create(args[2]);
        writer.out().write(new byte[S3Settings.MIN_PART_SIZE + 1]);
        Runtime.getRuntime().halt(EXIT_CODE);
    }
}
