package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.whetstone.store.blob.S3Location;
import dev.whetstone.store.blob.S3Settings;
import dev.whetstone.testing.S3TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code whetstone serve} with {@code --blob-store s3://…}: the production wiring keeps uploaded files in a real S3
 * server (s3proxy, its own process), not in the data folder, and serves them back from there, also after a restart.
 */
class S3ServerTest {
    private static S3TestServer s3;

    @TempDir Path data;

    @BeforeAll
    static void startS3() throws IOException {
        s3 = S3TestServer.start();
        s3.createBucket("whetstone-e2e");
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) s3.close();
    }

    private ServerConfig config(String bucket) {
        S3Settings settings = S3Settings.of(new S3Location(bucket, "cluster-a"), s3.endpoint(), true)
                .withRegion(S3TestServer.REGION)
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())));
        return ProductionServerTest.configIn(data, null).withS3(settings);
    }

    @Test
    void uploadedFilesLiveInTheBucketAndAreServedFromIt() throws Exception {
        byte[] training = FilesApiTest.trainingFile();
        String id;
        try (WhetstoneServer server = WhetstoneServer.start(config("whetstone-e2e"))) {
            ProductionServerTest.Client c = new ProductionServerTest.Client(server.port());
            id = c.upload(training).get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> c.status(id).equals("processed"));
            assertThat(content(server.port(), id)).isEqualTo(training);
        }

        assertThat(s3.keys("whetstone-e2e")).contains("cluster-a/files/" + id);
        assertThat(s3.read("whetstone-e2e", "cluster-a/files/" + id)).isEqualTo(training);
        try (Stream<Path> files = Files.walk(data)) {
            assertThat(files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().startsWith("file-")))
                    .as("no copy of the upload in the data folder").isEmpty();
        }
        assertThat(data.resolve("blobs")).doesNotExist();

        try (WhetstoneServer restarted = WhetstoneServer.start(config("whetstone-e2e"))) {
            assertThat(new ProductionServerTest.Client(restarted.port()).status(id)).isEqualTo("processed");
            assertThat(content(restarted.port(), id)).isEqualTo(training);
        }
    }

    @Test
    void aMissingBucketStopsTheStartWithTheReason() {
        assertThatThrownBy(() -> WhetstoneServer.start(config("no-such-bucket"))).isInstanceOf(IOException.class)
                .hasMessageContaining("s3://no-such-bucket/cluster-a")
                .hasMessageContaining("the bucket 'no-such-bucket' does not exist at " + s3.endpoint());
    }

    private static byte[] content(int port, String id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openai/files/" + id
                + "/content?api-version=2024-10-21")).header("api-key", ProductionServerTest.KEY).GET().build();
        HttpResponse<byte[]> response = ProductionServerTest.Client.HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
