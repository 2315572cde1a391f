package dev.whetstone.store.blob;

import dev.whetstone.store.BlobKeys;
import dev.whetstone.store.BlobStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@link BlobStore} in an S3-compatible object store (AWS S3, MinIO, Ceph RGW), so processes on different machines
 * share blobs without a shared disk. Blob {@code a/b} is the object {@code PREFIX/a/b} of the bucket.
 *
 * <p>Nothing partial is visible: a writer keeps up to one part ({@link S3Settings#partSize()}, 8 MiB by default) in
 * memory; a blob that fits is sent by one PutObject at commit, a larger one goes to a multipart upload of the final
 * key whose CompleteMultipartUpload is the commit. S3 shows neither before that request, and a PUT or a completion
 * replaces an older object whole. Closing a writer without commit aborts its upload. Every part and PutObject
 * carries its Content-MD5, which the server checks, so a corrupted transfer fails instead of storing other bytes
 * (docs/architecture.md, "Blob stores"). Thread-safe; one {@link S3Client} with a connection pool per store.
 *
 * <p>SDK errors become IOExceptions that say what was done and why it failed (bucket missing, access denied,
 * endpoint unreachable).
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);
    /** Self-hosted S3 servers accept any region in signatures; AWS needs the bucket's. */
    private static final Region FALLBACK_REGION = Region.US_EAST_1;

    private final S3Client s3;
    private final S3Settings settings;
    private final S3Errors errors;
    private final Clock clock;
    private final Set<S3BlobWriter> openWriters = ConcurrentHashMap.newKeySet();

    private S3BlobStore(S3Client s3, S3Settings settings, Clock clock) {
        this.s3 = s3;
        this.settings = settings;
        this.errors = new S3Errors(settings.location(), describe(settings));
        this.clock = clock;
    }

    /**
     * Connects and checks that the bucket exists and these credentials may use it, so a wrong bucket, secret or
     * endpoint stops the process at start-up with one clear line instead of failing the first upload.
     */
    public static S3BlobStore open(S3Settings settings) throws IOException {
        return open(settings, builder -> {});
    }

    /** {@link #open(S3Settings)} with the client builder adjusted last (tests: name resolution, interceptors). */
    static S3BlobStore open(S3Settings settings, Consumer<S3ClientBuilder> adjust) throws IOException {
        return open(settings, adjust, Clock.systemUTC());
    }

    /** ... and the clock that ages incomplete uploads (tests move it forward). */
    static S3BlobStore open(S3Settings settings, Consumer<S3ClientBuilder> adjust, Clock clock) throws IOException {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .region(region(settings))
                .forcePathStyle(settings.pathStyle())
                // We send Content-MD5 ourselves (S3BlobWriter): every S3-compatible server checks it, while the
                // SDK's default trailing CRC needs aws-chunked uploads that older MinIO, Ceph and s3proxy refuse.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.endpoint() != null) builder.endpointOverride(settings.endpoint());
        // without credentials of its own, the client uses (and closes) the SDK's default chain
        if (settings.credentials() != null) builder.credentialsProvider(settings.credentials());
        adjust.accept(builder);
        S3Client s3 = builder.build();
        S3BlobStore store = new S3BlobStore(s3, settings, clock);
        try {
            store.checkBucket();
        } catch (IOException | RuntimeException e) {
            s3.close();
            throw e;
        }
        return store;
    }

    private void checkBucket() throws IOException {
        try {
            s3.headBucket(b -> b.bucket(settings.location().bucket()));
        } catch (SdkException e) {
            throw errors.of("opening the blob store", e);
        }
    }

    @Override
    public BlobWriter create(String key) {
        S3BlobWriter writer = new S3BlobWriter(this, BlobKeys.requireValid(key));
        openWriters.add(writer);
        return writer;
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket()).key(objectKey));
            return Optional.of(new ObjectStream(in));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw errors.of("reading blob '" + key + "'", e);
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket()).key(objectKey)).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !bucketMissing(e)) return Optional.empty();
            throw errors.of("reading the size of blob '" + key + "'", e);
        } catch (SdkException e) {
            throw errors.of("reading the size of blob '" + key + "'", e);
        }
    }

    /**
     * S3's DELETE answers the same whether or not the object existed, so this asks first: two processes deleting
     * the same key at once may both see true.
     */
    @Override
    public boolean delete(String key) throws IOException {
        if (size(key).isEmpty()) return false;
        String objectKey = objectKey(key);
        try {
            s3.deleteObject(b -> b.bucket(bucket()).key(objectKey));
            return true;
        } catch (SdkException e) {
            throw errors.of("deleting blob '" + key + "'", e);
        }
    }

    /**
     * Discards this store's open writers and aborts the multipart uploads under this store's prefix that were
     * started more than {@link S3Settings#incompleteUploadAge()} ago (24 hours by default). The age is what makes
     * this safe in a cluster: every replica calls it at start-up, while other processes sharing the bucket may be
     * uploading right now; their uploads are younger than the age and are left alone. Uploads younger than that
     * which a crash abandoned stay (invisible, but billed) until a later start-up, or a bucket lifecycle rule
     * (AbortIncompleteMultipartUpload) removes them; an age of zero aborts every upload and is for one process only.
     */
    @Override
    public void cleanUpIncomplete() throws IOException {
        for (S3BlobWriter writer : List.copyOf(openWriters)) writer.discard();
        Instant cutoff = clock.instant().minus(settings.incompleteUploadAge());
        int aborted = 0;
        for (MultipartUpload upload : uploads()) {
            boolean old = settings.incompleteUploadAge().isZero()
                    || (upload.initiated() != null && upload.initiated().isBefore(cutoff));
            if (!old) continue;
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket()).key(upload.key()).uploadId(upload.uploadId()));
                aborted++;
            } catch (software.amazon.awssdk.services.s3.model.NoSuchUploadException finishedMeanwhile) {
                // completed or aborted by its owner since the listing
            } catch (SdkException e) {
                throw errors.of("aborting the incomplete upload of '" + upload.key() + "'", e);
            }
        }
        if (aborted > 0) {
            log.info("Aborted {} incomplete upload(s) older than {} in {}", aborted, settings.incompleteUploadAge(),
                    settings.location());
        }
    }

    /** Incomplete writes: multipart uploads under the prefix, plus open writers whose bytes are still only here. */
    long incompleteWrites() throws IOException {
        long local = openWriters.stream().filter(w -> !w.hasUpload()).count();
        return local + uploads().size();
    }

    /** The multipart uploads in progress under this store's prefix, any process's. */
    List<MultipartUpload> uploads() throws IOException {
        try {
            return s3.listMultipartUploadsPaginator(b -> b.bucket(bucket()).prefix(settings.location().keyPrefix()))
                    .uploads().stream().toList();
        } catch (SdkException e) {
            throw errors.of("listing incomplete uploads", e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    S3Client client() { return s3; }

    S3Settings settings() { return settings; }

    S3Errors errors() { return errors; }

    String bucket() { return settings.location().bucket(); }

    String objectKey(String key) { return settings.location().objectKey(BlobKeys.requireValid(key)); }

    void finished(S3BlobWriter writer) { openWriters.remove(writer); }

    private static boolean bucketMissing(S3Exception e) {
        return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
    }

    private static Region region(S3Settings settings) {
        if (settings.region() != null) return Region.of(settings.region());
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkException e) {
            if (settings.endpoint() != null) return FALLBACK_REGION;
            throw new IllegalArgumentException("no AWS region for " + settings.location() + ": set AWS_REGION (or "
                    + "--s3-endpoint for a self-hosted S3 server)", e);
        }
    }

    private static String describe(S3Settings settings) {
        return settings.endpoint() != null ? settings.endpoint().toString()
                : "AWS S3" + (settings.region() == null ? "" : " (" + settings.region() + ")");
    }

    /**
     * A GET's body. Closing it before the end aborts the connection: the HTTP client would otherwise read the
     * rest of a possibly multi-gigabyte object just to reuse the connection.
     */
    private static final class ObjectStream extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private final long length;
        private long consumed;
        private boolean ended;

        ObjectStream(ResponseInputStream<GetObjectResponse> response) {
            super(response);
            this.response = response;
            Long contentLength = response.response().contentLength();
            this.length = contentLength == null ? -1 : contentLength;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            count(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) {
            if (n < 0) ended = true;
            else consumed += n;
        }

        @Override
        public void close() throws IOException {
            if (!ended && consumed != length) response.abort();
            super.close();
        }
    }
}
