package dev.whetstone.cli;

import java.io.IOException;
import java.net.http.HttpRequest;

/** Resource Manager calls to a running service: {@code Authorization: Bearer}, api-version 2023-05-01. */
final class ArmClient {
    static final String API_VERSION = "api-version=2023-05-01";

    private final ServiceHttp http;
    private final String token;

    ArmClient(String endpoint, String token) {
        this.http = new ServiceHttp(endpoint, "pass --token, set WHETSTONE_TOKEN, or --data of the server");
        this.token = token;
    }

    ServiceHttp.Reply send(String method, String path, String jsonBody) throws IOException, InterruptedException {
        HttpRequest.Builder request = http.request(path + "?" + API_VERSION).method(method,
                jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) request.header("Content-Type", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        return http.send(request.build());
    }
}
