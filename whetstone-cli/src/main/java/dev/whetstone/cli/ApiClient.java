package dev.whetstone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;

/** GETs JSON from a running Whetstone service (Azure paths, api-key header); error envelopes become exceptions. */
final class ApiClient {
    static final String API_VERSION = "api-version=2024-10-21";

    private final ServiceHttp http;
    private final String apiKey;

    ApiClient(String endpoint, String apiKey) {
        this.http = new ServiceHttp(endpoint, "pass --api-key, set WHETSTONE_API_KEY, or --data of the server");
        this.apiKey = apiKey;
    }

    /** {@code path} without the api-version, which is added. */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = http.request(path + (path.contains("?") ? "&" : "?") + API_VERSION).GET();
        if (apiKey != null) request.header("api-key", apiKey);
        return http.send(request.build()).body();
    }
}
