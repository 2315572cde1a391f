package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.whetstone.server.api.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /openai/files/import}: URL checks up front, then the download and validation in the background. */
class FileImportTest {
    static final String KEY = "import-test-key";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir Path data;
    HttpServer origin;
    String originUrl;

    @BeforeEach
    void startOrigin() throws Exception {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/training_set.jsonl", exchange -> {
            byte[] body = FilesApiTest.trainingFile();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        origin.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        origin.start();
        originUrl = "http://127.0.0.1:" + origin.getAddress().getPort();
    }

    @AfterEach
    void stopOrigin() {
        origin.stop(0);
    }

    WhetstoneServer start(boolean allowPrivate) throws Exception {
        return WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, allowPrivate, Duration.ofSeconds(10), false));
    }

    @Test
    void importsFromAUrlThenValidatesAndServesTheSameBytes() throws Exception {
        try (WhetstoneServer server = start(true)) {
            HttpResponse<String> created = importFile(server, originUrl + "/training_set.jsonl");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode file = Json.MAPPER.readTree(created.body());
            assertThat(file.get("status").asText()).isEqualTo("pending");
            String id = file.get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> get(server, "/openai/files/" + id).get("status").asText().equals("processed"));
            HttpResponse<byte[]> content = HTTP.send(request(server, "/openai/files/" + id + "/content").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(content.body()).isEqualTo(FilesApiTest.trainingFile());
            assertThat(get(server, "/openai/files/" + id).get("filename").asText()).isEqualTo("imported.jsonl");
        }
    }

    @Test
    void anOriginErrorPutsTheFileInErrorWithTheReason() throws Exception {
        try (WhetstoneServer server = start(true)) {
            String id = Json.MAPPER.readTree(importFile(server, originUrl + "/missing").body()).get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> get(server, "/openai/files/" + id).get("status").asText().equals("error"));
            assertThat(get(server, "/openai/files/" + id).get("status_details").asText()).contains("HTTP 404");
        }
    }

    @Test
    void aRedirectIsNotFollowedAndTheFileSaysWhereItPointed() throws Exception {
        try (WhetstoneServer server = start(true)) {
            String id = Json.MAPPER.readTree(importFile(server, originUrl + "/moved").body()).get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> get(server, "/openai/files/" + id).get("status").asText().equals("error"));
            assertThat(get(server, "/openai/files/" + id).get("status_details").asText())
                    .isEqualTo("Import failed: 127.0.0.1 answered HTTP 302 with a redirect to "
                            + "'http://169.254.169.254/latest/meta-data/'; redirects are not followed.");
        }
    }

    @Test
    void aHostThatIsOnlyReachableThroughAnEmbeddedLoopbackAddressIsRefused() throws Exception {
        try (WhetstoneServer server = start(false)) {
            for (String url : new String[] {"http://[::ffff:127.0.0.1]:" + origin.getAddress().getPort() + "/training_set.jsonl",
                    "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "http://100.64.0.1/x.jsonl"}) {
                HttpResponse<String> refused = importFile(server, url);
                assertThat(refused.statusCode()).as(url).isEqualTo(400);
                JsonNode error = Json.MAPPER.readTree(refused.body()).get("error");
                assertThat(error.get("code").asText()).isEqualTo("fileImportFailed");
                assertThat(error.get("message").asText()).contains("--import-allow-private");
            }
            assertThat(get(server, "/openai/files").get("data")).isEmpty();
        }
    }

    @Test
    void loopbackTargetsAndOtherSchemesAreRefusedByDefault() throws Exception {
        try (WhetstoneServer server = start(false)) {
            HttpResponse<String> loopback = importFile(server, originUrl + "/training_set.jsonl");
            assertThat(loopback.statusCode()).isEqualTo(400);
            JsonNode error = Json.MAPPER.readTree(loopback.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("fileImportFailed");
            assertThat(error.get("param").asText()).isEqualTo("content_url");
            assertThat(error.get("message").asText()).contains("private or loopback").contains("--import-allow-private");

            HttpResponse<String> ftp = importFile(server, "ftp://example.com/a.jsonl");
            assertThat(ftp.statusCode()).isEqualTo(400);
            assertThat(ftp.body()).contains("Only http and https");
            assertThat(get(server, "/openai/files").get("data")).isEmpty();
        }
    }

    private HttpResponse<String> importFile(WhetstoneServer server, String url) throws Exception {
        String body = "{\"purpose\":\"fine-tune\",\"filename\":\"imported.jsonl\",\"content_url\":\"" + url + "\"}";
        return HTTP.send(request(server, "/openai/files/import").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(WhetstoneServer server, String path) throws Exception {
        return Json.MAPPER.readTree(HTTP.send(request(server, path).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private HttpRequest.Builder request(WhetstoneServer server, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path + "?api-version=2024-10-21"))
                .header("api-key", KEY);
    }
}
