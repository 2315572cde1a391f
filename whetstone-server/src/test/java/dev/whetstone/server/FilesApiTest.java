package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.api.Json;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Files API over real HTTP, in the request shapes of curl, the Java SDK and the node SDK. */
class FilesApiTest {
    static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    static final String LINE = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}\n";

    @TempDir Path dir;
    TestServer ts;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    static byte[] trainingFile() {
        byte[] body = LINE.repeat(3).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[BOM.length + body.length];
        System.arraycopy(BOM, 0, out, 0, BOM.length);
        System.arraycopy(body, 0, out, BOM.length, body.length);
        return out;
    }

    HttpResponse<String> upload(String path, byte[] multipart, String contentType, boolean chunked) throws Exception {
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(multipart))
                : HttpRequest.BodyPublishers.ofByteArray(multipart);
        return ts.send(ts.request(path).header("Content-Type", contentType).POST(publisher).build());
    }

    @Test
    void curlFormUploadAnswers201WithLocationThenBecomesProcessed() throws Exception {
        byte[] body = new Multipart().field("purpose", "fine-tune", null)
                .file("training_set.jsonl", trainingFile(), "application/json").build();
        var response = upload("/openai/files?api-version=2023-12-01-preview", body,
                "multipart/form-data; boundary=" + Multipart.BOUNDARY, false);

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode file = Json.MAPPER.readTree(response.body());
        assertThat(file.get("status").asText()).isEqualTo("pending");
        assertThat(file.get("filename").asText()).isEqualTo("training_set.jsonl");
        assertThat(file.get("bytes").asLong()).isEqualTo(trainingFile().length);
        assertThat(file.get("id").asText()).matches("file-[0-9a-f]{32}");
        assertThat(response.headers().firstValue("Location")).hasValue(ts.base + "/openai/files/" + file.get("id").asText());
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
        assertThat(response.headers().firstValue("apim-request-id")).isPresent();

        String id = file.get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Json.MAPPER.readTree(ts.get("/openai/files/" + id + "?api-version=2024-10-21").body())
                        .get("status").asText().equals("processed"));
    }

    @Test
    void javaSdkFormWithCharsetBeforeBoundaryChunkedAndFileFirstIsAccepted() throws Exception {
        byte[] body = new Multipart().file("training_set.jsonl", trainingFile(), "application/octet-stream")
                .field("purpose", "fine-tune", "text/plain; charset=utf-8").build();
        var response = upload("/openai/files?api-version=2024-10-21", body,
                "multipart/form-data; charset=ISO-8859-1; boundary=" + Multipart.BOUNDARY, true);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String id = Json.MAPPER.readTree(response.body()).get("id").asText();
        var content = ts.http.send(ts.request("/openai/files/" + id + "/content?api-version=2024-10-21")
                .header("Accept", "application/binary").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        await().atMost(Duration.ofSeconds(10)).until(() -> ts.http.send(ts.request("/openai/files/" + id
                + "/content?api-version=2024-10-21").GET().build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200);
        content = ts.http.send(ts.request("/openai/files/" + id + "/content?api-version=2024-10-21")
                .header("Accept", "application/binary").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(content.body()).isEqualTo(trainingFile());
    }

    @Test
    void openAiPathsNeedNoApiVersionAndAnswer200() throws Exception {
        byte[] body = new Multipart().field("purpose", "fine-tune", null)
                .file("a.jsonl", trainingFile(), "application/json").build();
        var response = upload("/v1/files", body, "multipart/form-data; boundary=" + Multipart.BOUNDARY, false);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode list = Json.MAPPER.readTree(ts.get("/v1/files").body());
        assertThat(list.get("data")).hasSize(1);
        assertThat(list.get("first_id").asText()).isEqualTo(list.get("data").get(0).get("id").asText());
        assertThat(list.get("has_more").isBoolean()).isTrue();
    }

    @Test
    void duplicateSlashesAndDeploymentPrefixReachTheSameRoutes() throws Exception {
        assertThat(ts.get("//openai/files?api-version=2024-10-21").statusCode()).isEqualTo(200);
        assertThat(ts.get("/openai/deployments/gpt-35-turbo-0613/files?api-version=2024-10-21").statusCode()).isEqualTo(200);
        assertThat(ts.get("/openai/v1/files").statusCode()).isEqualTo(200);
    }

    @Test
    void missingOrUnknownApiVersionIs400InTheEnvelope() throws Exception {
        var missing = ts.get("/openai/files");
        assertThat(missing.statusCode()).isEqualTo(400);
        JsonNode error = Json.MAPPER.readTree(missing.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalidPayload");
        assertThat(error.get("param").asText()).isEqualTo("api-version");
        assertThat(error.get("message").asText()).contains("2024-10-21");

        var unknown = ts.get("/openai/files?api-version=2019-01-01");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("Unsupported api-version '2019-01-01'");
    }

    @Test
    void requestsWithoutAValidKeyAre401AndBearerIsAccepted() throws Exception {
        var none = ts.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ts.base + "/openai/files?api-version=2024-10-21")).GET().build());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(none.body()).get("error").get("code").asText()).isEqualTo("unauthorized");
        var wrong = ts.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ts.base + "/v1/files"))
                .header("api-key", "nope").GET().build());
        assertThat(wrong.statusCode()).isEqualTo(401);
        var bearer = ts.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ts.base + "/v1/files"))
                .header("Authorization", "Bearer " + TestServer.KEY).GET().build());
        assertThat(bearer.statusCode()).isEqualTo(200);
        var health = ts.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ts.base + "/healthz")).GET().build());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void unknownRouteAndUnknownFileAre404InTheEnvelope() throws Exception {
        var route = ts.get("/openai/nothing-here?api-version=2024-10-21");
        assertThat(route.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(route.body()).get("error").get("code").asText()).isEqualTo("notFound");
        assertThat(route.headers().firstValue("x-request-id")).isPresent();
        var file = ts.get("/openai/files/file-0000?api-version=2024-10-21");
        assertThat(file.statusCode()).isEqualTo(404);
        assertThat(file.body()).contains("file-0000");
    }

    @Test
    void badFormsGetPreciseErrors() throws Exception {
        String ct = "multipart/form-data; boundary=" + Multipart.BOUNDARY;
        var noPurpose = upload("/openai/files?api-version=2024-10-21",
                new Multipart().file("a.jsonl", trainingFile(), "application/json").build(), ct, false);
        assertThat(noPurpose.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(noPurpose.body()).get("error").get("param").asText()).isEqualTo("purpose");

        var badPurpose = upload("/openai/files?api-version=2024-10-21", new Multipart().field("purpose", "fun", null)
                .file("a.jsonl", trainingFile(), "application/json").build(), ct, false);
        assertThat(badPurpose.statusCode()).isEqualTo(400);
        assertThat(badPurpose.body()).contains("Unknown purpose 'fun'").contains("fine-tune");

        var noFile = upload("/openai/files?api-version=2024-10-21",
                new Multipart().field("purpose", "fine-tune", null).build(), ct, false);
        assertThat(noFile.statusCode()).isEqualTo(400);
        assertThat(noFile.body()).contains("'file' part is required");

        var empty = upload("/openai/files?api-version=2024-10-21", new Multipart().field("purpose", "fine-tune", null)
                .file("a.jsonl", new byte[0], "application/json").build(), ct, false);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("empty");

        var notMultipart = ts.send(ts.request("/openai/files?api-version=2024-10-21")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(notMultipart.statusCode()).isEqualTo(400);

        var truncated = upload("/openai/files?api-version=2024-10-21",
                java.util.Arrays.copyOf(new Multipart().field("purpose", "fine-tune", null)
                        .file("a.jsonl", trainingFile(), "application/json").build(), 150), ct, false);
        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(ts.get("/openai/files?api-version=2024-10-21").body()).get("data")).isEmpty();
    }

    @Test
    void deleteAnswersByApiVersionAndTheFileIsGone() throws Exception {
        String ct = "multipart/form-data; boundary=" + Multipart.BOUNDARY;
        byte[] body = new Multipart().field("purpose", "fine-tune", null).file("a.jsonl", trainingFile(), "application/json").build();
        String a = Json.MAPPER.readTree(upload("/openai/files?api-version=2024-10-21", body, ct, false).body()).get("id").asText();
        String b = Json.MAPPER.readTree(upload("/openai/files?api-version=2024-10-21", body, ct, false).body()).get("id").asText();

        var old = ts.send(ts.request("/openai/files/" + a + "?api-version=2024-05-01-preview").DELETE().build());
        assertThat(old.statusCode()).isEqualTo(204);
        var current = ts.send(ts.request("/openai/files/" + b + "?api-version=2024-10-21").DELETE().build());
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(current.body()).get("deleted").asBoolean()).isTrue();
        assertThat(ts.get("/openai/files/" + b + "?api-version=2024-10-21").statusCode()).isEqualTo(404);
    }

    @Test
    void aLyingTwoGigabyteContentLengthIsRefusedWith413() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", ts.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /openai/files?api-version=2024-10-21 HTTP/1.1\r\nHost: localhost\r\napi-key: " + TestServer.KEY
                    + "\r\nContent-Type: multipart/form-data; boundary=" + Multipart.BOUNDARY
                    + "\r\nContent-Length: 2147483648\r\n\r\n--" + Multipart.BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void anUploadOverTheLimitIs413AndLeavesNoFile() throws Exception {
        ts.close();
        ts = TestServer.start(dir, 1000, in -> new dev.whetstone.files.FileValidation.Result(true, null, null));
        byte[] big = LINE.repeat(50).getBytes(StandardCharsets.UTF_8);
        var response = upload("/openai/files?api-version=2024-10-21", new Multipart().field("purpose", "fine-tune", null)
                .file("big.jsonl", big, "application/json").build(), "multipart/form-data; boundary=" + Multipart.BOUNDARY, true);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(Json.MAPPER.readTree(response.body()).get("error").get("message").asText()).contains("1000 bytes");
        assertThat(Json.MAPPER.readTree(ts.get("/openai/files?api-version=2024-10-21").body()).get("data")).isEmpty();
    }
}
