package dev.whetstone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends requests to a running Whetstone service and reads their JSON answers, for the CLI's clients. An unreachable
 * service and an error envelope become IOExceptions that say what to do (the 401 hint names the client's own
 * credential options).
 */
final class ServiceHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String endpoint;
    private final String unauthorizedHint;

    ServiceHttp(String endpoint, String unauthorizedHint) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.unauthorizedHint = unauthorizedHint;
    }

    /** The answer's status and JSON body (an empty object when there is none). */
    record Reply(int status, JsonNode body) {}

    /** A request to {@code pathAndQuery} on the endpoint, with the CLI's time-out; the caller adds method and headers. */
    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(endpoint + pathAndQuery)).timeout(Duration.ofSeconds(30));
    }

    /** A streamed body for 2xx answers; an error envelope becomes an IOException as in {@link #send}. */
    HttpResponse<java.io.InputStream> sendStreaming(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<java.io.InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IOException("cannot reach " + endpoint + " (" + e + "); is `whetstone serve` running there? (--endpoint)", e);
        }
        if (response.statusCode() / 100 != 2) {
            String text;
            try (java.io.InputStream in = response.body()) {
                text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            throw failure(response.statusCode(), text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text));
        }
        return response;
    }

    Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach " + endpoint + " (" + e + "); is `whetstone serve` running there? (--endpoint)", e);
        }
        JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() / 100 != 2) throw failure(response.statusCode(), body);
        return new Reply(response.statusCode(), body);
    }

    private IOException failure(int status, JsonNode body) {
        String message = body.path("error").path("message").asText("");
        String hint = status == 401 ? " (" + unauthorizedHint + ")" : "";
        return new IOException("HTTP " + status + (message.isEmpty() ? "" : ": " + message) + hint);
    }
}
