package dev.whetstone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs JSON from a running Whetstone service (Azure paths, api-key header); error envelopes become exceptions. */
final class ApiClient {
    static final String API_VERSION = "api-version=2024-10-21";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String endpoint;
    private final String apiKey;

    ApiClient(String endpoint, String apiKey) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.apiKey = apiKey;
    }

    /** {@code path} without the api-version, which is added. */
    JsonNode get(String path) throws IOException, InterruptedException {
        String uri = endpoint + path + (path.contains("?") ? "&" : "?") + API_VERSION;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET();
        if (apiKey != null) request.header("api-key", apiKey);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach " + endpoint + " (" + e + "); is `whetstone serve` running there? (--endpoint)", e);
        }
        JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() / 100 != 2) throw new IOException(errorText(response.statusCode(), body));
        return body;
    }

    private static String errorText(int status, JsonNode body) {
        String message = body.path("error").path("message").asText("");
        String hint = status == 401 ? " (pass --api-key, set WHETSTONE_API_KEY, or --data of the server)" : "";
        return "HTTP " + status + (message.isEmpty() ? "" : ": " + message) + hint;
    }
}
