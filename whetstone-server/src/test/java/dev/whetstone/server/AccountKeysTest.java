package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.auth.Role;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** key1 and key2 of an account through ARM listKeys and regenerateKey, and as credentials. */
class AccountKeysTest {
    @TempDir Path dir;

    @Test
    void keysAreListedRegeneratedOneAtATimeAndWorkAsOpenAiContributorKeys() throws Exception {
        try (TestServer ts = TestServer.withAccess(dir, new AccessOptions(Set.of(), Set.of(),
                Map.of(Role.CONTRIBUTOR, Set.of("contributor-key"), Role.OPENAI_USER, Set.of("user-key")), null))) {
            ArmClient contributor = new ArmClient(ts.base, "contributor-key");
            String list = ArmClient.ACCOUNT + "/listKeys?" + ArmClient.V;
            String regenerate = ArmClient.ACCOUNT + "/regenerateKey?" + ArmClient.V;
            JsonNode keys = json(contributor.send("POST", list, null));
            String key1 = keys.path("key1").asText();
            String key2 = keys.path("key2").asText();
            assertThat(key1).matches("[0-9a-f]{32}").isNotEqualTo(key2);
            assertThat(key2).matches("[0-9a-f]{32}");
            assertThat(json(contributor.send("POST", list, null))).isEqualTo(keys); // stable
            // another account has its own keys
            assertThat(json(contributor.send("POST", list.replace("my-resource", "other"), null)).path("key1").asText())
                    .isNotIn(key1, key2);

            assertThat(get(ts, "/openai/files?api-version=2024-10-21", key1).statusCode()).isEqualTo(200);
            assertThat(get(ts, "/openai/files?api-version=2024-10-21", key2).statusCode()).isEqualTo(200);
            HttpResponse<String> manage = new ArmClient(ts.base, key1).put("bot", ArmClient.howToBody("tiny-chat"));
            assertThat(manage.statusCode()).isEqualTo(403);
            assertThat(manage.body()).contains("'Cognitive Services Contributor'");

            HttpResponse<String> bad = contributor.send("POST", regenerate, "{\"keyName\":\"Key3\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(json(bad).path("error").path("param").asText()).isEqualTo("keyName");
            assertThat(contributor.send("POST", regenerate, "{}").statusCode()).isEqualTo(400);

            JsonNode after = json(contributor.send("POST", regenerate, "{\"keyName\":\"Key1\"}"));
            assertThat(after.path("key1").asText()).matches("[0-9a-f]{32}").isNotEqualTo(key1);
            assertThat(after.path("key2").asText()).isEqualTo(key2);
            assertThat(get(ts, "/openai/files?api-version=2024-10-21", key1).statusCode()).isEqualTo(401);
            assertThat(get(ts, "/openai/files?api-version=2024-10-21", key2).statusCode()).isEqualTo(200);
            assertThat(get(ts, "/openai/files?api-version=2024-10-21", after.path("key1").asText()).statusCode()).isEqualTo(200);

            HttpResponse<String> user = new ArmClient(ts.base, "user-key").send("POST", list, null);
            assertThat(user.statusCode()).isEqualTo(403);
            assertThat(user.body()).contains("'Cognitive Services Contributor'");
        }
    }

    static HttpResponse<String> get(TestServer ts, String path, String key) throws Exception {
        return ts.send(HttpRequest.newBuilder(URI.create(ts.base + path)).header("api-key", key).GET().build());
    }
}
