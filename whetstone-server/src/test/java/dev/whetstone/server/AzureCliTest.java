package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.api.Json;
import dev.whetstone.server.tls.ServerCertificate;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Azure CLI recipe, run with the real, unmodified {@code az} (Debian's azure-cli 2.45) against the
 * service as {@code whetstone serve --tls-port} builds it: register the custom cloud from its ARM endpoint, sign in
 * with the managed-identity endpoint, then {@code az cognitiveservices account deployment create|show|list|delete},
 * and chat with the deployment in between. Skipped, saying so, where {@code az} is not installed
 * ({@code apt-get install azure-cli}; .ci/run installs it).
 */
class AzureCliTest {
    static final String KEY = "az-cli-test-key";

    @TempDir Path data;
    @TempDir Path azConfig;

    @Test
    void realAzCreatesShowsListsAndDeletesADeploymentThatAnswersChat() throws Exception {
        Optional<Path> az = onPath("az");
        if (az.isEmpty()) {
            System.err.println("AzureCliTest: SKIPPED — the Azure CLI (az) is not installed; apt-get install azure-cli");
        }
        assumeTrue(az.isPresent(), "the Azure CLI (az) is not on PATH (apt-get install azure-cli): the real-az recipe "
                + "is not exercised here");
        ServerConfig config = new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true)
                .withManagement(ManagementOptions.DEFAULTS.withTlsPort(0));
        try (WhetstoneServer server = WhetstoneServer.start(config)) {
            String arm = "https://localhost:" + server.tlsPort() + "/";
            Path ca = ServerCertificate.folder(data).resolve("ca.pem");
            Cli cli = new Cli(az.get(), Map.of(
                    "AZURE_CONFIG_DIR", azConfig.toString(),
                    "REQUESTS_CA_BUNDLE", ca.toString(),
                    "AZURE_CORE_COLLECT_TELEMETRY", "no",
                    "MSI_ENDPOINT", arm + "msi/token",
                    "MSI_SECRET", KEY,
                    "APPSETTING_WEBSITE_SITE_NAME", "whetstone"));

            cli.ok("cloud", "register", "--name", "whetstone", "--endpoint-resource-manager", arm);
            cli.ok("cloud", "set", "--name", "whetstone");
            JsonNode login = Json.MAPPER.readTree(cli.ok("login", "--identity", "-o", "json"));
            assertThat(login.get(0).path("id").asText()).isEqualTo(ManagementOptions.DEFAULT_SUBSCRIPTION);

            List<String> account = List.of("-g", "whetstone", "-n", "whetstone");
            JsonNode created = Json.MAPPER.readTree(cli.ok(args(List.of("cognitiveservices", "account", "deployment",
                    "create"), account, List.of("--deployment-name", "my-bot", "--model-name", "tiny-chat",
                    "--model-version", "1", "--model-format", "OpenAI", "--scale-settings-scale-type", "Standard",
                    "--scale-settings-capacity", "1", "-o", "json"))));
            assertThat(created.path("name").asText()).isEqualTo("my-bot");
            assertThat(created.path("properties").path("model").path("name").asText()).isEqualTo("tiny-chat");

            String state = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!state.equals("Succeeded") && System.nanoTime() < deadline) {
                state = cli.ok(args(List.of("cognitiveservices", "account", "deployment", "show"), account,
                        List.of("--deployment-name", "my-bot", "--query", "properties.provisioningState", "-o", "tsv"))).strip();
                assertThat(state).isIn("Creating", "Succeeded");
            }
            assertThat(state).isEqualTo("Succeeded");
            assertThat(cli.ok(args(List.of("cognitiveservices", "account", "deployment", "list"), account,
                    List.of("--query", "[].name", "-o", "tsv"))).strip()).isEqualTo("my-bot");

            HttpResponse<String> chat = TrustedHttps.client(ca).send(HttpRequest.newBuilder(URI.create(arm
                            + "openai/deployments/my-bot/chat/completions?api-version=2024-10-21"))
                    .header("api-key", KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                            + "\"max_tokens\":4}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(chat.body()).path("choices").get(0).path("message").path("role").asText())
                    .isEqualTo("assistant");

            cli.ok(args(List.of("cognitiveservices", "account", "deployment", "delete"), account,
                    List.of("--deployment-name", "my-bot")));
            Result missing = cli.run(args(List.of("cognitiveservices", "account", "deployment", "show"), account,
                    List.of("--deployment-name", "my-bot")));
            assertThat(missing.exit()).isNotZero();
            assertThat(missing.err()).contains("Deployment 'my-bot' was not found");
            assertThat(cli.ok(args(List.of("cognitiveservices", "account", "deployment", "list"), account,
                    List.of("--query", "length(@)", "-o", "tsv"))).strip()).isEqualTo("0");

            // the account keys (docs/security.md)
            JsonNode keys = Json.MAPPER.readTree(cli.ok(args(List.of("cognitiveservices", "account", "keys", "list"),
                    account, List.of("-o", "json"))));
            assertThat(keys.path("key1").asText()).matches("[0-9a-f]{32}");
            JsonNode regenerated = Json.MAPPER.readTree(cli.ok(args(List.of("cognitiveservices", "account", "keys",
                    "regenerate"), account, List.of("--key-name", "key2", "-o", "json"))));
            assertThat(regenerated.path("key1").asText()).isEqualTo(keys.path("key1").asText());
            assertThat(regenerated.path("key2").asText()).matches("[0-9a-f]{32}").isNotEqualTo(keys.path("key2").asText());
        }
    }

    /**
     * The service-principal sign-in at the ADFS-style authority: the cloud registered with its active directory
     * endpoint at {@code /adfs}, {@code az login --service-principal} with a key as the secret, then the accounts
     * (namespaces) and a deployment through the token it got.
     */
    @Test
    void realAzSignsInAsAServicePrincipalAtTheAdfsAuthority() throws Exception {
        Optional<Path> az = onPath("az");
        assumeTrue(az.isPresent(), "the Azure CLI (az) is not on PATH (apt-get install azure-cli)");
        ServerConfig config = new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true)
                .withManagement(ManagementOptions.DEFAULTS.withTlsPort(0));
        try (WhetstoneServer server = WhetstoneServer.start(config)) {
            String arm = "https://localhost:" + server.tlsPort() + "/";
            Path ca = ServerCertificate.folder(data).resolve("ca.pem");
            Cli cli = new Cli(az.get(), Map.of("AZURE_CONFIG_DIR", azConfig.toString(), "REQUESTS_CA_BUNDLE",
                    ca.toString(), "AZURE_CORE_COLLECT_TELEMETRY", "no"));
            cli.ok("cloud", "register", "--name", "whetstone", "--endpoint-resource-manager", arm,
                    "--endpoint-active-directory", arm + "adfs");
            cli.ok("cloud", "set", "--name", "whetstone");

            Result refused = cli.run(List.of("login", "--service-principal", "-u", "ci-bot", "-p", "not-a-key",
                    "--tenant", "adfs"));
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err()).contains("The client_secret is not an API key or account key of this service.");

            JsonNode login = Json.MAPPER.readTree(cli.ok("login", "--service-principal", "-u", "ci-bot", "-p", KEY,
                    "--tenant", "adfs", "-o", "json"));
            assertThat(login.get(0).path("id").asText()).isEqualTo(ManagementOptions.DEFAULT_SUBSCRIPTION);
            assertThat(login.get(0).path("user").path("type").asText()).isEqualTo("servicePrincipal");

            List<String> account = List.of("-g", "whetstone", "-n", "whetstone");
            assertThat(cli.ok("cognitiveservices", "account", "list", "-g", "whetstone", "--query", "[].name", "-o",
                    "tsv").strip()).isEqualTo("whetstone");
            assertThat(cli.ok(args(List.of("cognitiveservices", "account", "show"), account, List.of("--query",
                    "properties.provisioningState", "-o", "tsv"))).strip()).isEqualTo("Succeeded");
            JsonNode created = Json.MAPPER.readTree(cli.ok(args(List.of("cognitiveservices", "account", "deployment",
                    "create"), account, List.of("--deployment-name", "sp-bot", "--model-name", "tiny-chat",
                    "--model-version", "1", "--model-format", "OpenAI", "--scale-settings-scale-type", "Standard",
                    "--scale-settings-capacity", "1", "-o", "json"))));
            assertThat(created.path("name").asText()).isEqualTo("sp-bot");
            cli.ok(args(List.of("cognitiveservices", "account", "deployment", "delete"), account,
                    List.of("--deployment-name", "sp-bot")));

            // The how-to's cross-resource body (az 2.45 has no --model-source flag; az rest sends it with the token)
            // into a second account, from the account that owns the model; then from one that does not exist.
            String target = arm + "subscriptions/" + ManagementOptions.DEFAULT_SUBSCRIPTION + "/resourceGroups/serving"
                    + "/providers/Microsoft.CognitiveServices/accounts/serving/deployments/cross-bot?api-version=2023-05-01";
            String source = "/subscriptions/" + ManagementOptions.DEFAULT_SUBSCRIPTION + "/resourceGroups/whetstone"
                    + "/providers/Microsoft.CognitiveServices/accounts/whetstone";
            String body = "{\"sku\":{\"name\":\"standard\",\"capacity\":1},\"properties\":{\"model\":{\"format\":"
                    + "\"OpenAI\",\"name\":\"tiny-chat\",\"version\":\"1\",\"source\":\"%s\"}}}";
            JsonNode cross = Json.MAPPER.readTree(cli.ok("rest", "--method", "put", "--url", target, "--body",
                    body.formatted(source)));
            assertThat(cross.at("/properties/model/source").asText()).isEqualTo(source);
            Result ghost = cli.run(List.of("rest", "--method", "put", "--url", target, "--body",
                    body.formatted(source.replace("accounts/whetstone", "accounts/ghost"))));
            assertThat(ghost.exit()).isNotZero();
            assertThat(ghost.err()).contains("ResourceNotFound").contains("accounts/ghost' under resource group "
                    + "'whetstone' was not found");
        }
    }

    private static List<String> args(List<String> a, List<String> b, List<String> c) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        out.addAll(c);
        return out;
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    record Result(int exit, String out, String err) {}

    /** Runs az with its own configuration folder and the environment the README sets. */
    record Cli(Path az, Map<String, String> env) {
        String ok(String... args) throws Exception { return ok(List.of(args)); }

        String ok(List<String> args) throws Exception {
            Result r = run(args);
            assertThat(r.exit()).as("az %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
            return r.out();
        }

        Result run(List<String> args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>();
            command.add(az.toString());
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            // a proxy from the environment would take the local https calls elsewhere
            for (String v : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) pb.environment().remove(v);
            Path out = Files.createTempFile("az-out", ".txt");
            Path err = Files.createTempFile("az-err", ".txt");
            try {
                Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(180, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("az " + String.join(" ", args) + " did not finish within 180 s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }
}
