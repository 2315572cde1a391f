package dev.whetstone.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.store.BlobStore;
import dev.whetstone.store.BlobStore.BlobWriter;
import dev.whetstone.testing.BlobStoreContract;
import dev.whetstone.testing.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The blob-store contract on a real S3 server with path-style addressing (MinIO's and Ceph's usual set-up), and
 * what only S3 has: multipart uploads, their abort and clean-up, Content-MD5 checks, errors in the user's terms.
 */
class S3BlobStoreTest extends BlobStoreContract {
    private static S3TestServer server;
    private static final int PART = S3Settings.MIN_PART_SIZE;
    private S3BlobStore s3;
    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @AfterEach
    void closeStore() {
        s3.close();
    }

    @Override
    protected BlobStore emptyStore() throws Exception {
        bucket = S3Fixture.newBucket(server, "path-style");
        s3 = S3Fixture.open(S3Fixture.settings(server, bucket));
        return s3;
    }

    @Override
    protected long incompleteCount() throws Exception {
        return s3.incompleteWrites();
    }

    @Test
    void blobsAreObjectsUnderThePrefix() throws IOException {
        put(store, "files/file-1", new byte[] {5});

        assertThat(server.keys(bucket)).containsExactly("whetstone/files/file-1");
        assertThat(server.read(bucket, "whetstone/files/file-1")).containsExactly(5);
    }

    @Test
    void aBlobLargerThanOnePartGoesMultipartAndReadsBackIdentical() throws IOException {
        byte[] content = random(2 * PART + 12345);
        try (BlobWriter writer = store.create("models/big.safetensors")) {
            writeInChunks(writer.out(), content, 100_003);
            assertThat(server.uploads(bucket)).as("the parts sent so far, in an upload of the final key")
                    .singleElement().satisfies(u -> assertThat(u.key()).isEqualTo("whetstone/models/big.safetensors"));
            assertThat(store.open("models/big.safetensors")).isEmpty();
            assertThat(writer.commit()).isEqualTo(content.length);
        }

        assertThat(server.uploads(bucket)).isEmpty();
        assertThat(read(store, "models/big.safetensors")).isEqualTo(content);
        assertThat(store.size("models/big.safetensors")).contains((long) content.length);
        assertThat(server.client().headObject(b -> b.bucket(bucket).key("whetstone/models/big.safetensors")).eTag())
                .as("a multipart object's ETag counts its parts").endsWith("-3\"");
    }

    @Test
    void aBlobOfExactlyOnePartIsOnePut() throws IOException {
        byte[] content = random(PART);
        assertThat(put(store, "one-part", content)).isEqualTo(PART);

        assertThat(read(store, "one-part")).isEqualTo(content);
        assertThat(server.client().headObject(b -> b.bucket(bucket).key("whetstone/one-part")).eTag()).doesNotContain("-");
    }

    @Test
    void closingAMultipartWriteWithoutCommitAbortsItsUpload() throws IOException {
        try (BlobWriter writer = store.create("abandoned")) {
            writer.out().write(random(PART + 1));
            assertThat(server.uploads(bucket)).hasSize(1);
        }

        assertThat(server.uploads(bucket)).isEmpty();
        assertThat(store.open("abandoned")).isEmpty();
        assertThat(server.keys(bucket)).isEmpty();
    }

    /**
     * A process that died mid-upload leaves a multipart upload behind. Another replica starting now must not abort
     * it while it might be live (it is younger than the age); a start-up once the age has passed aborts it.
     */
    @Test
    void startUpAbortsOnlyUploadsOlderThanTheAge() throws IOException {
        BlobWriter crashed = store.create("files/in-flight");
        crashed.out().write(random(PART + 1));
        assertThat(server.uploads(bucket)).hasSize(1);
        S3Settings hourOld = S3Fixture.settings(server, bucket).withIncompleteUploadAge(Duration.ofHours(1));

        try (S3BlobStore otherReplica = S3BlobStore.open(hourOld, b -> {})) {
            otherReplica.cleanUpIncomplete();
        }
        assertThat(server.uploads(bucket)).as("a younger upload may be another process's, in flight").hasSize(1);

        Clock twoHoursLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
        try (S3BlobStore laterStart = S3BlobStore.open(hourOld, b -> {}, twoHoursLater)) {
            laterStart.cleanUpIncomplete();
        }
        assertThat(server.uploads(bucket)).isEmpty();
        assertThatThrownBy(crashed::commit).isInstanceOf(IOException.class)
                .hasMessageContaining("Committing blob 'files/in-flight'");
        assertThat(store.open("files/in-flight")).isEmpty();
        crashed.close();
    }

    /** A real crash: a child JVM, configured by the AWS variables alone, uploads a part and halts. */
    @Test
    void aWriterKilledMidUploadLeavesNothingVisibleAndALaterStartAbortsItsUpload() throws Exception {
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AbandonedS3Write.class.getName(),
                server.endpoint().toString(), bucket, "files/file-crash").redirectErrorStream(true);
        child.environment().putAll(server.environment());
        Process process = child.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(AbandonedS3Write.EXIT_CODE);

        assertThat(server.uploads(bucket)).singleElement()
                .satisfies(u -> assertThat(u.key()).isEqualTo("whetstone/files/file-crash"));
        assertThat(store.open("files/file-crash")).isEmpty();
        assertThat(store.size("files/file-crash")).isEmpty();

        store.cleanUpIncomplete();
        assertThat(server.uploads(bucket)).isEmpty();
        assertThat(server.keys(bucket)).isEmpty();
    }

    @Test
    void aCorruptedPartIsRefusedAndNothingBecomesVisible() throws IOException {
        try (S3BlobStore corrupting = S3BlobStore.open(S3Fixture.settings(server, bucket),
                b -> b.overrideConfiguration(c -> c.addExecutionInterceptor(flipFirstByteOf(UploadPartRequest.class))))) {
            try (BlobWriter writer = corrupting.create("corrupt")) {
                assertThatThrownBy(() -> {
                    writer.out().write(random(2 * PART + 1));
                    writer.commit();
                }).isInstanceOf(IOException.class).hasMessageContaining("'corrupt'").hasMessageContaining("BadDigest");
            }
        }
        assertThat(store.open("corrupt")).isEmpty();
        assertThat(server.uploads(bucket)).as("the failed write's upload is aborted").isEmpty();
    }

    @Test
    void aCorruptedSinglePutIsRefused() throws IOException {
        try (S3BlobStore corrupting = S3BlobStore.open(S3Fixture.settings(server, bucket),
                b -> b.overrideConfiguration(c -> c.addExecutionInterceptor(flipFirstByteOf(PutObjectRequest.class))));
             BlobWriter writer = corrupting.create("corrupt")) {
            writer.out().write(random(1000));
            assertThatThrownBy(writer::commit).isInstanceOf(IOException.class).hasMessageContaining("BadDigest");
        }
        assertThat(store.open("corrupt")).isEmpty();
    }

    @Test
    void aWrongSecretIsAClearIOException() {
        S3Settings wrong = S3Fixture.settings(server, bucket).withCredentials(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(server.accessKey(), "not-the-secret")));

        assertThatThrownBy(() -> S3Fixture.open(wrong)).isInstanceOf(IOException.class)
                .hasMessageContaining("s3://" + bucket + "/whetstone").hasMessageContaining("access denied")
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY");
    }

    @Test
    void aMissingBucketIsAClearIOException() {
        S3Settings missing = new S3Settings(new S3Location("no-such-bucket", ""), server.endpoint(), true,
                S3TestServer.REGION, S3Fixture.settings(server, bucket).credentials(), Duration.ZERO, PART);

        assertThatThrownBy(() -> S3Fixture.open(missing)).isInstanceOf(IOException.class)
                .hasMessageContaining("the bucket 'no-such-bucket' does not exist at " + server.endpoint());
    }

    @Test
    void anUnreachableEndpointIsAClearIOException() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        S3Settings settings = S3Fixture.settings(server, bucket);
        S3Settings unreachable = new S3Settings(settings.location(), nowhere, true, S3TestServer.REGION,
                settings.credentials(), Duration.ZERO, PART);

        assertThatThrownBy(() -> S3Fixture.open(unreachable)).isInstanceOf(IOException.class)
                .hasMessageContaining("the S3 endpoint " + nowhere + " is unreachable");
    }

    @Test
    void closingAReadEarlyDoesNotReadTheRest() throws IOException {
        byte[] content = random(2 * PART);
        put(store, "big", content);
        try (InputStream in = store.open("big").orElseThrow()) {
            assertThat(in.readNBytes(10)).isEqualTo(java.util.Arrays.copyOf(content, 10));
        }
        assertThat(read(store, "big")).isEqualTo(content);
    }

    private static ExecutionInterceptor flipFirstByteOf(Class<?> requestType) {
        return new ExecutionInterceptor() {
            @Override
            public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context,
                                                           ExecutionAttributes attributes) {
                if (!requestType.isInstance(context.request()) || context.requestBody().isEmpty()) {
                    return context.requestBody();
                }
                try (InputStream in = context.requestBody().get().contentStreamProvider().newStream()) {
                    byte[] bytes = in.readAllBytes();
                    bytes[0] ^= 1;
                    return Optional.of(RequestBody.fromBytes(bytes));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static void writeInChunks(OutputStream out, byte[] content, int chunk) throws IOException {
        for (int off = 0; off < content.length; off += chunk) out.write(content, off, Math.min(chunk, content.length - off));
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
