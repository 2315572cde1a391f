package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.api.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a deployment service wired, inference answers as the live service does for an unknown deployment. */
class NoDeploymentsTest {
    @TempDir Path dir;

    @Test
    void everyDeploymentIsNotFound() throws Exception {
        try (TestServer ts = TestServer.start(dir)) {
            HttpResponse<String> r = ts.post("/openai/deployments/gpt-35-turbo-0613-ft/chat/completions?api-version=2024-10-21",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).isEqualTo(404);
            JsonNode error = Json.MAPPER.readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("DeploymentNotFound");
            assertThat(error.get("message").asText()).contains("gpt-35-turbo-0613-ft");
        }
    }
}
