package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.api.Json;
import dev.whetstone.testing.PostgresSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as {@code whetstone serve} builds it — SQLite or PostgreSQL, blobs on disk, the real validator, the
 * demo models — driven over HTTP, including restarts.
 */
class ProductionServerTest {
    static final String KEY = "prod-test-key";

    @TempDir Path data;

    ServerConfig config(String dbUrl) {
        return configIn(data, dbUrl);
    }

    /** The production configuration over {@code folder} (S3ServerTest adds an S3 blob store to it). */
    static ServerConfig configIn(Path folder, String dbUrl) {
        return new ServerConfig("127.0.0.1", 0, folder, dbUrl, null, Set.of(KEY), Map.of("gpt-35-turbo-0613", "tiny-chat"),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true);
    }

    @Test
    void sqliteDefaultsServeDemoModelsAndValidateUploads() throws Exception {
        exerciseFilesAndModels(null);
    }

    @Test
    void postgresqlServesTheSameWorkflow() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create()) {
            exerciseFilesAndModels(schema.url());
        }
    }

    private void exerciseFilesAndModels(String dbUrl) throws Exception {
        String goodId;
        String badId;
        try (WhetstoneServer server = WhetstoneServer.start(config(dbUrl))) {
            Client c = new Client(server.port());
            JsonNode models = c.json("GET", "/openai/models?api-version=2024-10-21");
            assertThat(models.get("data").findValuesAsText("id")).contains("tiny-chat", "tiny-completion", "gpt-35-turbo-0613");
            assertThat(c.json("GET", "/openai/models/tiny-completion?api-version=2024-10-21")
                    .get("capabilities").get("chat_completion").asBoolean()).isFalse();

            goodId = c.upload(FilesApiTest.trainingFile()).get("id").asText();
            byte[] bad = ("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"}]}\n"
                    + "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"weight\":1},{\"role\":\"assistant\",\"content\":\"yo\"}]}\n")
                    .getBytes(StandardCharsets.UTF_8);
            badId = c.upload(bad).get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> c.status(goodId).equals("processed") && c.status(badId).equals("error"));
            JsonNode badFile = c.json("GET", "/openai/files/" + badId + "?api-version=2024-10-21");
            assertThat(badFile.get("status_details").asText()).contains("Line 2").contains("messages[0].weight");
            assertThat(c.json("GET", "/openai/files/" + goodId + "?api-version=2024-10-21").get("statistics").get("examples").asInt())
                    .isEqualTo(3);
        }
        try (WhetstoneServer restarted = WhetstoneServer.start(config(dbUrl))) {
            Client c = new Client(restarted.port());
            assertThat(c.status(goodId)).isEqualTo("processed");
            assertThat(c.status(badId)).isEqualTo("error");
        }
    }

    @Test
    void anUploadCutOffMidwayLeavesNoRecordAndNoStrayFileAfterRestart() throws Exception {
        try (WhetstoneServer server = WhetstoneServer.start(config(null))) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                OutputStream out = socket.getOutputStream();
                byte[] part = ("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jsonl\"\r\n\r\n"
                        + FilesApiTest.LINE.repeat(2000)).getBytes(StandardCharsets.UTF_8);
                out.write(("POST /openai/files?api-version=2024-10-21 HTTP/1.1\r\nHost: x\r\napi-key: " + KEY
                        + "\r\nContent-Type: multipart/form-data; boundary=" + Multipart.BOUNDARY
                        + "\r\nContent-Length: " + (part.length * 10) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(part);
                out.flush();
            } // the client vanishes mid-upload
            Thread.sleep(500);
            assertThat(new Client(server.port()).json("GET", "/openai/files?api-version=2024-10-21").get("data")).isEmpty();
        }
        try (WhetstoneServer restarted = WhetstoneServer.start(config(null))) {
            assertThat(new Client(restarted.port()).json("GET", "/openai/files?api-version=2024-10-21").get("data")).isEmpty();
            try (Stream<Path> blobs = Files.walk(data.resolve("blobs"))) {
                assertThat(blobs.filter(Files::isRegularFile)).isEmpty();
            }
        }
    }

    /** A minimal HTTP client for these tests. */
    record Client(int port) {
        static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        JsonNode json(String method, String path) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("api-key", KEY).method(method, HttpRequest.BodyPublishers.noBody()).build();
            return Json.MAPPER.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
        }

        JsonNode upload(byte[] content) throws IOException, InterruptedException {
            byte[] body = new Multipart().field("purpose", "fine-tune", null).file("t.jsonl", content, "application/json").build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openai/files?api-version=2024-10-21"))
                    .header("api-key", KEY).header("Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            return Json.MAPPER.readTree(response.body());
        }

        String status(String id) throws IOException, InterruptedException {
            return json("GET", "/openai/files/" + id + "?api-version=2024-10-21").get("status").asText();
        }
    }
}
