package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.LocalIssuer;
import dev.whetstone.server.auth.Role;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens of an identity provider (a local issuer serving its JWKS) through the running service. */
class OidcServerTest {
    @TempDir Path dir;

    @Test
    void identityProviderTokensCarryTheirRolesBesideTheServicesOwnTokensAndRoleKeys() throws Exception {
        try (LocalIssuer issuer = new LocalIssuer();
             TestServer ts = TestServer.withAccess(dir, new AccessOptions(Set.of(), Set.of(),
                     Map.of(Role.READER, Set.of("reader-key")),
                     new AccessOptions.Oidc(issuer.issuer, "api://whetstone", "roles", Duration.ofSeconds(60))))) {
            long now = System.currentTimeMillis() / 1000;
            String user = issuer.token("rsa-1", "RS256", issuer.claims("api://whetstone", now, "Cognitive Services OpenAI User"));
            assertThat(call(ts, "GET", "/openai/files?api-version=2024-10-21", user).statusCode()).isEqualTo(200);
            HttpResponse<String> denied = call(ts, "POST", "/openai/fine_tuning/jobs?api-version=2024-10-21", user);
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.body()).contains("'Cognitive Services OpenAI Contributor'").contains("openai-user");

            String reader = issuer.token("ec-1", "ES256", issuer.claims("api://whetstone", now, "Reader"));
            String deployments = ArmClient.ACCOUNT + "/deployments?" + ArmClient.V;
            assertThat(call(ts, "GET", deployments, reader).statusCode()).isEqualTo(200);
            assertThat(call(ts, "GET", "/openai/models?api-version=2024-10-21", reader).statusCode()).isEqualTo(403);
            assertThat(call(ts, "GET", deployments, "reader-key").statusCode()).isEqualTo(200);
            assertThat(call(ts, "DELETE", ArmClient.deployment("x"), "reader-key").statusCode()).isEqualTo(403);

            ObjectNode expired = issuer.claims("api://whetstone", now, "openai-user");
            expired.put("exp", now - 3600);
            HttpResponse<String> old = call(ts, "GET", "/openai/files?api-version=2024-10-21", issuer.token("rsa-1", "RS256", expired));
            assertThat(old.statusCode()).isEqualTo(401);
            assertThat(old.body()).contains("expired");
            HttpResponse<String> wrongAudience = call(ts, "GET", "/openai/files?api-version=2024-10-21",
                    issuer.token("rsa-1", "RS256", issuer.claims("api://other", now, "openai-user")));
            assertThat(wrongAudience.statusCode()).isEqualTo(401);
            assertThat(wrongAudience.body()).contains("audience");
            HttpResponse<String> noRole = call(ts, "GET", deployments,
                    issuer.token("rsa-1", "RS256", issuer.claims("api://whetstone", now, "some-other-app-role")));
            assertThat(noRole.statusCode()).isEqualTo(403);

            String own = ts.tokens(Clock.systemUTC()).mint(Role.OPENAI_CONTRIBUTOR, Duration.ofMinutes(5));
            assertThat(call(ts, "GET", "/openai/files?api-version=2024-10-21", own).statusCode()).isEqualTo(200);
            assertThat(call(ts, "DELETE", ArmClient.deployment("x"), own).statusCode()).isEqualTo(403);
        }
    }

    static HttpResponse<String> call(TestServer ts, String method, String path, String bearer) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(java.net.URI.create(ts.base + path)).header("Authorization", "Bearer " + bearer)
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (method.equals("POST")) r.header("Content-Type", "application/json");
        return ts.send(r.build());
    }
}
