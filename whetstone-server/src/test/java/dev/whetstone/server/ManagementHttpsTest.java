package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.api.Json;
import dev.whetstone.server.tls.ServerCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Azure CLI needs from the service, driven over HTTPS with a client that trusts only the generated CA (as
 * {@code REQUESTS_CA_BUNDLE} makes the CLI do): the cloud metadata, the managed-identity token endpoint, the
 * subscription list, and the deployment routes at the CLI 2.45 SDK's api-version 2022-12-01. {@code AzureCliTest}
 * runs the real CLI against the same routes where it is installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementHttpsTest {
    static final String KEY = "management-test-key";
    static final String SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
    static final String TENANT = "66666666-7777-8888-9999-000000000000";

    @TempDir static Path data;
    WhetstoneServer server;
    HttpClient https;
    String base;

    @BeforeAll
    void start() throws Exception {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true)
                .withManagement(new ManagementOptions(0, null, null, SUBSCRIPTION, TENANT));
        server = WhetstoneServer.start(config);
        https = TrustedHttps.client(ServerCertificate.folder(data).resolve("ca.pem"));
        base = "https://localhost:" + server.tlsPort();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void servesHttpsWithTheGeneratedCertificateBesidePlainHttp() throws Exception {
        assertThat(server.tlsPort()).isPositive().isNotEqualTo(server.port());
        assertThat(send("GET", base + "/healthz", Map.of(), null).statusCode()).isEqualTo(200);
        // the plain listener still answers, and 127.0.0.1 is in the certificate too
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(send("GET", "https://127.0.0.1:" + server.tlsPort() + "/healthz", Map.of(), null).statusCode()).isEqualTo(200);
        Path key = ServerCertificate.folder(data).resolve("server-key.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void cloudMetadataIsPublicAndPointsAtThisService() throws Exception {
        HttpResponse<String> r = send("GET", base + "/metadata/endpoints?api-version=2019-05-01", Map.of(), null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode m = Json.MAPPER.readTree(r.body());
        assertThat(m.path("authentication").path("loginEndpoint").asText()).isEqualTo(base + "/");
        assertThat(m.path("authentication").path("audiences").get(0).asText()).isEqualTo(base + "/");
        assertThat(m.path("graphEndpoint").asText()).isEqualTo(base + "/");
    }

    @Test
    void managedIdentityEndpointExchangesAKeyForATokenWithTenant() throws Exception {
        String url = base + "/msi/token/?resource=" + base + "/&api-version=2017-09-01";
        HttpResponse<String> none = send("GET", url, Map.of(), null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("'secret'");
        HttpResponse<String> wrong = send("GET", url, Map.of("secret", "not-a-key"), null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("not an API key");
        HttpResponse<String> noResource = send("GET", base + "/msi/token/?api-version=2017-09-01", Map.of("secret", KEY), null);
        assertThat(noResource.statusCode()).isEqualTo(400);
        assertThat(noResource.body()).contains("resource");

        HttpResponse<String> ok = send("GET", url, Map.of("secret", KEY), null);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode t = Json.MAPPER.readTree(ok.body());
        assertThat(t.path("token_type").asText()).isEqualTo("Bearer");
        long expiresOn = Long.parseLong(t.path("expires_on").asText());
        assertThat(expiresOn - System.currentTimeMillis() / 1000).isBetween(3500L, 3700L);
        String token = t.path("access_token").asText();
        JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(claims.path("tid").asText()).isEqualTo(TENANT);
        assertThat(claims.path("aud").asText()).isEqualTo(base + "/");
        assertThat(claims.path("role").asText()).isEqualTo("admin");

        // the token is a bearer credential for the Resource Manager routes
        HttpResponse<String> subs = send("GET", base + "/subscriptions?api-version=2019-11-01",
                Map.of("Authorization", "Bearer " + token), null);
        assertThat(subs.statusCode()).isEqualTo(200);
        JsonNode s = Json.MAPPER.readTree(subs.body()).path("value").get(0);
        assertThat(s.path("subscriptionId").asText()).isEqualTo(SUBSCRIPTION);
        assertThat(s.path("tenantId").asText()).isEqualTo(TENANT);
        assertThat(s.path("state").asText()).isEqualTo("Enabled");
        assertThat(send("GET", base + "/subscriptions/" + SUBSCRIPTION + "?api-version=2019-11-01",
                Map.of("Authorization", "Bearer " + token), null).statusCode()).isEqualTo(200);
        HttpResponse<String> other = send("GET", base + "/subscriptions/other?api-version=2019-11-01",
                Map.of("Authorization", "Bearer " + token), null);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(other.body()).path("error").path("message").asText()).contains("'other'");
    }

    @Test
    void theSecretlessFormPostAndAnonymousSubscriptionListAreRefused() throws Exception {
        HttpResponse<String> form = send("POST", base + "/msi/token", Map.of("Metadata", "true",
                "Content-Type", "application/x-www-form-urlencoded"), "resource=" + base + "/");
        assertThat(form.statusCode()).isEqualTo(400);
        assertThat(form.body()).contains("APPSETTING_WEBSITE_SITE_NAME").contains("MSI_SECRET");
        assertThat(send("GET", base + "/subscriptions?api-version=2019-11-01", Map.of(), null).statusCode()).isEqualTo(401);
        HttpResponse<String> noVersion = send("GET", base + "/subscriptions", Map.of("api-key", KEY), null);
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(noVersion.body()).contains("api-version");
    }

    @Test
    void deploymentRoutesAnswerTheCli245Shape() throws Exception {
        String path = base + "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg/providers/Microsoft.CognitiveServices"
                + "/accounts/acct/deployments/";
        String v = "?api-version=2022-12-01";
        Map<String, String> auth = Map.of("Authorization", "Bearer " + KEY, "Content-Type", "application/json");
        // what az 2.45 sends: no sku, properties.scaleSettings
        String body = "{\"properties\":{\"model\":{\"format\":\"OpenAI\",\"name\":\"tiny-chat\",\"version\":\"1\"},"
                + "\"scaleSettings\":{\"scaleType\":\"Standard\",\"capacity\":2}}}";
        HttpResponse<String> created = send("PUT", path + "cli-bot" + v, auth, body);
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode d = Json.MAPPER.readTree(created.body());
        assertThat(d.path("properties").path("scaleSettings").path("capacity").asInt()).isEqualTo(2);
        assertThat(d.path("properties").path("scaleSettings").path("scaleType").asText()).isEqualTo("Standard");
        assertThat(d.path("sku").path("capacity").asInt()).isEqualTo(2);
        JsonNode listed = Json.MAPPER.readTree(send("GET", path.substring(0, path.length() - 1) + v, auth, null).body());
        assertThat(listed.path("value")).hasSize(1);
        assertThat(listed.path("value").get(0).path("name").asText()).isEqualTo("cli-bot");
        assertThat(send("DELETE", path + "cli-bot" + v, auth, null).statusCode()).isEqualTo(200);
        assertThat(send("DELETE", path + "cli-bot" + v, auth, null).statusCode()).isEqualTo(204);
        HttpResponse<String> gone = send("GET", path + "cli-bot" + v, auth, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(gone.body()).path("error").path("message").asText()).contains("'cli-bot'");
    }

    private HttpResponse<String> send(String method, String url, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(r::header);
        return https.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }
}
