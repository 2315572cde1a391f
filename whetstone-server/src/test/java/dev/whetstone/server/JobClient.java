package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.api.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The HTTP steps of the fine-tuning workflow, as the Azure how-to's curl commands send them. */
final class JobClient {
    static final String V = "api-version=2024-10-21";

    private final TestServer ts;

    JobClient(TestServer ts) {
        this.ts = ts;
    }

    static String chatLines(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("{\"messages\":[{\"role\":\"system\",\"content\":\"You are Clippy.\"},{\"role\":\"user\",\"content\":\"Q")
                    .append(i).append("?\"},{\"role\":\"assistant\",\"content\":\"A").append(i).append(".\"}]}\n");
        }
        return b.toString();
    }

    /** curl -F purpose=fine-tune -F file=@name;type=application/json, content with a BOM; waits until processed. */
    String upload(String filename, String jsonl) throws Exception {
        byte[] body = new Multipart().field("purpose", "fine-tune", null)
                .file(filename, bom(jsonl), "application/json").build();
        HttpResponse<String> r = ts.send(ts.request("/openai/files?api-version=2023-12-01-preview")
                .header("Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = json(r).get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                json(ts.get("/openai/files/" + id + "?" + V)).get("status").asText().equals("processed"));
        return id;
    }

    private static byte[] bom(String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[t.length + 3];
        out[0] = (byte) 0xEF;
        out[1] = (byte) 0xBB;
        out[2] = (byte) 0xBF;
        System.arraycopy(t, 0, out, 3, t.length);
        return out;
    }

    HttpResponse<String> create(String body) throws Exception {
        return ts.post("/openai/fine_tuning/jobs?api-version=2024-05-01-preview", body);
    }

    /** Creates and returns the job id, failing the test on anything but 201. */
    String createOk(String body) throws Exception {
        HttpResponse<String> r = create(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("id").asText();
    }

    JsonNode job(String id) throws Exception {
        return json(ts.get("/openai/fine_tuning/jobs/" + id + "?" + V));
    }

    JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> job(id).get("status").asText().equals(status));
        try {
            return job(id);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    /**
     * A POST exactly as the docs' curl sends it for events, checkpoints and cancel: a JSON content type but no
     * body and no Content-Length (docs/reference/CLIENTS.md 5). Returns status code and body.
     */
    RawResponse rawPost(String pathAndQuery) throws Exception {
        RawHttp.Response r = RawHttp.exchange(ts.server.port(), ("POST " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\n"
                + "User-Agent: curl/7.88.1\r\nAccept: */*\r\napi-key: " + TestServer.KEY
                + "\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                Duration.ofSeconds(10));
        return new RawResponse(r.status(), r.text());
    }

    record RawResponse(int status, String body) {
        JsonNode json() throws Exception { return Json.MAPPER.readTree(body); }
    }
}
