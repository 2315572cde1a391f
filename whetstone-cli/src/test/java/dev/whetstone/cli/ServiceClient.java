package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The HTTP steps tests drive a running service with: upload, create, cancel, read. */
record ServiceClient(String endpoint, String apiKey) {
    static final String V = "api-version=2024-10-21";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String BOUNDARY = "----whetstoneCliTestBoundary";

    static String chatLines(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("{\"messages\":[{\"role\":\"system\",\"content\":\"You are Clippy.\"},{\"role\":\"user\",\"content\":\"Q")
                    .append(i).append("?\"},{\"role\":\"assistant\",\"content\":\"A").append(i).append(".\"}]}\n");
        }
        return b.toString();
    }

    HttpResponse<String> send(String method, String path, String jsonBody) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(endpoint + path + (path.contains("?") ? "&" : "?") + V))
                .header("api-key", apiKey).timeout(Duration.ofSeconds(30));
        if (jsonBody != null) r.header("Content-Type", "application/json");
        r.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = send(method, path, body);
        assertThat(r.statusCode() / 100).as(method + " " + path + ": " + r.body()).isEqualTo(2);
        return JSON.readTree(r.body());
    }

    JsonNode get(String path) throws IOException, InterruptedException { return json("GET", path, null); }

    String text(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", path, null);
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    /** Uploads a fine-tune file and returns its id (validation runs on). */
    String upload(String jsonl) throws IOException, InterruptedException {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"train.jsonl\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + jsonl + "\r\n--" + BOUNDARY + "--\r\n";
        HttpRequest r = HttpRequest.newBuilder(URI.create(endpoint + "/openai/files?" + V)).header("api-key", apiKey)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).get("id").asText();
    }

    String fileStatus(String id) throws IOException, InterruptedException {
        return get("/openai/files/" + id).get("status").asText();
    }

    String jobStatus(String id) throws IOException, InterruptedException {
        return get("/openai/fine_tuning/jobs/" + id).get("status").asText();
    }

    /** All events of a job, oldest first. */
    List<JsonNode> events(String id) throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        get("/openai/fine_tuning/jobs/" + id + "/events?limit=1000").get("data").forEach(out::add);
        return out.reversed();
    }
}
