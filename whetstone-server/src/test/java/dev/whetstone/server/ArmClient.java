package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Resource Manager calls as the how-to's curl sends them: {@code Authorization: Bearer <token>}, JSON bodies. */
record ArmClient(String base, String token) {
    static final String ACCOUNT = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/my-group"
            + "/providers/Microsoft.CognitiveServices/accounts/my-resource";
    static final String V = "api-version=2023-05-01";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static String deployment(String name) { return ACCOUNT + "/deployments/" + name + "?" + V; }

    /** The how-to's deploy body, verbatim but for the model name. */
    static String howToBody(String model) {
        return howToBody(model, 1);
    }

    /** The how-to's deploy body with another model name and sku capacity. */
    static String howToBody(String model, int capacity) {
        return "{\n    \"sku\": {\"name\": \"standard\", \"capacity\": " + capacity + "},\n    \"properties\": {\n        \"model\": {\n"
                + "            \"format\": \"OpenAI\",\n            \"name\": \"" + model + "\",\n"
                + "            \"version\": \"1\"\n        }\n    }\n}";
    }

    HttpResponse<String> send(String method, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (token != null) r.header("Authorization", "Bearer " + token);
        if (body != null) r.header("Content-Type", "application/json");
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String name, String body) throws Exception { return send("PUT", deployment(name), body); }

    HttpResponse<String> get(String name) throws Exception { return send("GET", deployment(name), null); }

    HttpResponse<String> delete(String name) throws Exception { return send("DELETE", deployment(name), null); }

    static JsonNode json(HttpResponse<String> r) throws Exception { return Json.MAPPER.readTree(r.body()); }

    /** Polls GET until provisioningState is terminal, as clients do after the PUT (docs/reference/CLIENTS.md 6). */
    JsonNode awaitTerminal(String name) throws Exception {
        return awaitTerminal(name, Duration.ofSeconds(20));
    }

    /** {@link #awaitTerminal(String)} for up to {@code timeout} (loading real weights takes longer than a fake's). */
    JsonNode awaitTerminal(String name, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode d = json(get(name));
            String state = d.path("properties").path("provisioningState").asText();
            if (state.equals("Succeeded") || state.equals("Failed") || System.nanoTime() > deadline) return d;
            Thread.sleep(20);
        }
    }

    /**
     * PUTs {@code body} as deployment {@code name} (accepted: 200 or 201), then waits up to a minute for a terminal
     * state: that state followed by the deployment's error, if any ("Succeeded" when all went well).
     */
    String deploy(String name, String body) throws Exception {
        HttpResponse<String> put = put(name, body);
        assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
        JsonNode d = awaitTerminal(name, Duration.ofSeconds(60));
        return d.at("/properties/provisioningState").asText() + d.at("/properties/error").asText("");
    }
}
