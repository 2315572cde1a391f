package dev.whetstone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Resource Manager calls to a running service: {@code Authorization: Bearer}, api-version 2023-05-01. */
final class ArmClient {
    static final String API_VERSION = "api-version=2023-05-01";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String endpoint;
    private final String token;

    ArmClient(String endpoint, String token) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.token = token;
    }

    /** The answer's status and JSON body (empty object when none); errors become IOExceptions with their message. */
    record Reply(int status, JsonNode body) {}

    Reply send(String method, String path, String jsonBody) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path + "?" + API_VERSION))
                .timeout(Duration.ofSeconds(30))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) request.header("Content-Type", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach " + endpoint + " (" + e + "); is `whetstone serve` running there? (--endpoint)", e);
        }
        JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() / 100 != 2) {
            String message = body.path("error").path("message").asText("");
            String hint = response.statusCode() == 401 ? " (pass --token, set WHETSTONE_TOKEN, or --data of the server)" : "";
            throw new IOException("HTTP " + response.statusCode() + (message.isEmpty() ? "" : ": " + message) + hint);
        }
        return new Reply(response.statusCode(), body);
    }
}
