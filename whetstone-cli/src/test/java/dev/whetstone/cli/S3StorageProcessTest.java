package dev.whetstone.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.whetstone.testing.S3TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code whetstone serve} as a process configured for S3 by the environment alone (WHETSTONE_BLOB_STORE,
 * WHETSTONE_S3_ENDPOINT, WHETSTONE_S3_PATH_STYLE and the AWS variables), and the one line it stops with when the
 * store cannot be used.
 */
class S3StorageProcessTest {
    private static final String BUCKET = "cli-process";
    private static S3TestServer s3;

    @TempDir Path dir;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3TestServer.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) s3.close();
    }

    @Test
    void serveTakesTheS3StoreFromTheEnvironmentAndKeepsUploadsInTheBucket() throws Exception {
        Map<String, String> environment = new HashMap<>(s3.environment());
        environment.put("WHETSTONE_BLOB_STORE", "s3://" + BUCKET + "/replica");
        environment.put("WHETSTONE_S3_ENDPOINT", s3.endpoint().toString());
        environment.put("WHETSTONE_S3_PATH_STYLE", "true");
        Path data = Files.createDirectories(dir.resolve("data"));
        try (ChildService serve = ChildService.serve(data, Duration.ofSeconds(10), environment, "--workers", "0")) {
            ServiceClient client = serve.client();
            String id = client.upload(ServiceClient.chatLines(12));
            await().atMost(Duration.ofSeconds(60)).until(() -> client.fileStatus(id).equals("processed"));

            assertThat(s3.keys(BUCKET)).contains("replica/files/" + id);
            assertThat(new String(s3.read(BUCKET, "replica/files/" + id), UTF_8)).isEqualTo(ServiceClient.chatLines(12));
            assertThat(client.text("/openai/files/" + id + "/content")).isEqualTo(ServiceClient.chatLines(12));
        }
        assertThat(data.resolve("blobs")).doesNotExist();
    }

    @Test
    void aMissingBucketStopsServeWithOneLineSayingSo() throws Exception {
        String line = failedStart("s3://no-such-bucket/x", s3.endpoint().toString());
        assertThat(line).isEqualTo("whetstone serve: Opening the blob store in s3://no-such-bucket/x failed: "
                + "the bucket 'no-such-bucket' does not exist at " + s3.endpoint());
    }

    @Test
    void anUnreachableEndpointStopsServeWithOneLineSayingSo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closedPort;
        String line = failedStart("s3://" + BUCKET, endpoint);
        assertThat(line).startsWith("whetstone serve: Opening the blob store in s3://" + BUCKET + " failed: the S3 endpoint "
                + endpoint + " is unreachable (");
    }

    /** Runs serve on a store that cannot be used; returns its one error line after checking it exits with 3. */
    private String failedStart(String blobStore, String endpoint) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Map<String, String> environment = new HashMap<>(s3.environment());
        try (ChildService serve = ChildService.start(data, -1, List.of("serve", "--data", data.toString(), "--port", "0",
                "--no-demo-models", "--blob-store", blobStore, "--s3-endpoint", endpoint, "--s3-path-style"), environment)) {
            assertThat(serve.process().waitFor(120, TimeUnit.SECONDS)).as("serve exits").isTrue();
            String log = serve.logText();
            assertThat(serve.process().exitValue()).as(log).isEqualTo(WhetstoneCli.ERROR);
            assertThat(log).as("no stack trace").doesNotContain("\tat ");
            List<String> errors = log.lines().filter(l -> l.startsWith("whetstone serve:")).toList();
            assertThat(errors).as(log).hasSize(1);
            return errors.getFirst();
        }
    }
}
