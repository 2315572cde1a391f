package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each kind of request the API cannot serve, including those Jetty refuses before our handlers run, answers with a
 * precise 4xx in the JSON error envelope (docs/architecture.md, "Errors").
 */
class ErrorEnvelopeTest {
    private static final String V = "api-version=2024-10-21";
    private static final String DEEP = "{\"model\":" + "[".repeat(1001) + "]".repeat(1001) + "}";

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

    private RawHttp.Response send(String requestLineAndHeaders, String body) throws Exception {
        String head = requestLineAndHeaders + "\r\nHost: 127.0.0.1\r\napi-key: " + TestServer.KEY + "\r\nConnection: close\r\n";
        if (body != null) head += "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n";
        byte[] bytes = (head + "\r\n" + (body == null ? "" : body)).getBytes(StandardCharsets.UTF_8);
        return RawHttp.exchange(ts.server.port(), bytes, Duration.ofSeconds(10));
    }

    /** The envelope both SDK families read, with the expected status and code; returns the message. */
    private static String envelope(RawHttp.Response r, int status, String code) throws Exception {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/json");
        JsonNode error = r.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.has("param")).isTrue();
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        String message = error.get("message").asText();
        assertThat(message).isNotBlank().doesNotContain("Exception").doesNotContain("at dev.");
        return message;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/openai/files/import?" + V, "/openai/fine_tuning/jobs?" + V, "/v1/fine_tuning/jobs",
            "/v1/chat/completions"})
    void jsonNestedBeyondTheParserLimitIs400(String path) throws Exception {
        assertThat(envelope(send("POST " + path + " HTTP/1.1\r\nContent-Type: application/json", DEEP), 400, "invalidPayload"))
                .isEqualTo("The request body exceeds a JSON parser limit: Document nesting depth (1001) exceeds the maximum"
                        + " allowed (1000).");
    }

    @Test
    void aResourceManagerPathAnswersInTheSameEnvelope() throws Exception {
        String arm = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a/deployments/d"
                + "?api-version=2024-10-01";
        assertThat(envelope(send("PUT " + arm + " HTTP/1.1\r\nContent-Type: application/json", DEEP), 400, "invalidPayload"))
                .contains("nesting depth");
    }

    @Test
    void anEncodedNulInThePathIs400() throws Exception {
        envelope(send("GET /openai/files/file-%00abc?" + V + " HTTP/1.1", null), 400, "invalidPayload");
    }

    @Test
    void undecodablePercentEncodingIs400() throws Exception {
        assertThat(envelope(send("GET /openai/files/file-%u0041?" + V + " HTTP/1.1", null), 400, "invalidPayload"))
                .contains("malformed percent-encoding at '%u0'");
        envelope(send("GET /openai/files/file-%zz?" + V + " HTTP/1.1", null), 400, "invalidPayload");
        assertThat(envelope(send("GET /openai/files?" + V + "&after=%zz HTTP/1.1", null), 400, "invalidPayload"))
                .contains("query");
    }

    @Test
    void anEncodedSlashOrDotSegmentsNeverReachAnotherResource() throws Exception {
        envelope(send("GET /openai/files/a%2Fb?" + V + " HTTP/1.1", null), 404, "notFound");
        // Dot segments are resolved before routing: the path names no resource.
        envelope(send("GET /openai/files/../../etc/passwd?" + V + " HTTP/1.1", null), 404, "notFound");
    }

    @Test
    void anUnsupportedMethodIs405WithAllow() throws Exception {
        RawHttp.Response r = send("PATCH /openai/files?" + V + " HTTP/1.1", null);
        assertThat(envelope(r, 405, "methodNotAllowed")).isEqualTo(
                "The method PATCH is not allowed on /openai/files; this path allows GET, POST.");
        assertThat(r.header("allow")).isEqualTo("GET, POST");
    }

    @Test
    void anOverlongUriIs414() throws Exception {
        envelope(send("GET /openai/files/" + "a".repeat(10_000) + "?" + V + " HTTP/1.1", null), 414, "invalidPayload");
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        envelope(send("GET /openai/files?" + V + " HTTP/1.1\r\nX-Fill: " + "a".repeat(20_000), null), 431, "invalidPayload");
    }

    @Test
    void aJsonBodyOverTheLimitIs413() throws Exception {
        String big = "{\"model\":\"" + "x".repeat(1_100_000) + "\"}";
        envelope(send("POST /v1/fine_tuning/jobs HTTP/1.1\r\nContent-Type: application/json", big), 413, "payloadTooLarge");
    }

    @Test
    void brokenFramingIs400EvenForPutAndDelete() throws Exception {
        envelope(send("PUT /openai/files?" + V + " HTTP/1.1\r\nContent-Length: abc", null), 400, "invalidPayload");
        envelope(send("DELETE /openai/files/x?" + V + " HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked", null),
                400, "invalidPayload");
        envelope(send("POST /v1/fine_tuning/jobs HTTP/1.1\r\nTransfer-Encoding: gzip", "x"), 400, "invalidPayload");
    }

    @Test
    void anUnknownHttpVersionIs400() throws Exception {
        assertThat(envelope(send("GET /openai/files?" + V + " HTTP/9.9", null), 400, "invalidPayload"))
                .contains("HTTP/1.1");
    }

    @Test
    void anUploadWithoutABoundaryIs400() throws Exception {
        envelope(send("POST /openai/files?" + V + " HTTP/1.1\r\nContent-Type: multipart/form-data", "x"), 400, "invalidPayload");
    }
}
