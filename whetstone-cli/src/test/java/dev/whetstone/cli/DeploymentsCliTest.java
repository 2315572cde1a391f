package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.WhetstoneServer;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Role;
import dev.whetstone.testing.FakeInferenceEngine;
import dev.whetstone.testing.FakeModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code whetstone token} and {@code whetstone deployments …} against a service started in this JVM. */
class DeploymentsCliTest {
    @TempDir Path data;

    /** Exit code, stdout and stderr of one CLI run. */
    record Run(int code, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? "" : lines.getLast();
        }
    }

    static synchronized Run cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = WhetstoneCli.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void tokenPrintsTheTokenAloneOnTheLastLineAndTheServiceSecretVerifiesIt() throws Exception {
        Run run = cli("token", "--data", data.toString(), "--role", "inference", "--expires", "30m");
        assertThat(run.code()).as(run.err()).isZero();
        String token = run.lastLine();
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        // signed with the secret now kept in the data folder's database, where `serve` reads it
        assertThat(data.resolve("token-secret")).doesNotExist();
        assertThat(ServiceDatabase.tokens(data, null, Clock.systemUTC()).verify(token)).isEqualTo(Role.INFERENCE);
        Clock inAnHour = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServiceDatabase.tokens(data, null, inAnHour).verify(token))
                .hasMessageContaining("expired");

        String secret = "a1".repeat(32);
        String given = cli("token", "--token-secret", secret, "--role", "reader").lastLine();
        assertThat(new AccessTokens(java.util.HexFormat.of().parseHex(secret), Clock.systemUTC()).verify(given))
                .isEqualTo(Role.READER);
        assertThat(cli("token", "--token-secret", "abcd").err()).contains("--token-secret must have at least 32 bytes");

        Run bad = cli("token", "--data", data.toString(), "--expires", "soon");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--expires expects a positive number followed by s, m, h or d");
        assertThat(cli("token", "--data", data.toString(), "--role", "root").err()).contains("allowed: admin, contributor, openai-contributor, openai-user, reader, inference");
    }

    @Test
    void deploymentsCreateListShowAndDeleteWithTheAzureCliFlags() throws Exception {
        FakeModels.create(data.resolve("models"), "tiny-chat", true);
        ServerConfig config = new ServerConfig("127.0.0.1", 0, data, null, null, Set.of("cli-key"), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), false).withJobs(0, 20, Duration.ofSeconds(60));
        try (WhetstoneServer server = WhetstoneServer.start(config, c -> new FakeInferenceEngine())) {
            String endpoint = "http://127.0.0.1:" + server.port();
            String[] where = {"--endpoint", endpoint, "--data", data.toString(), "--resource-group", "my-group",
                    "--name", "my-resource"};
            Run created = cli(concat(new String[] {"deployments", "create", "--deployment-name", "cli-bot",
                    "--model-name", "tiny-chat", "--model-version", "1", "--model-format", "OpenAI",
                    "--sku-capacity", "2", "--sku-name", "Standard"}, where));
            assertThat(created.code()).as(created.out() + created.err()).isZero();
            assertThat(created.out()).contains("Created deployment cli-bot in account my-resource: Creating")
                    .contains("Deployment cli-bot Succeeded (model tiny-chat)");

            Run list = cli(concat(new String[] {"deployments", "list"}, where));
            assertThat(list.out()).containsPattern("cli-bot\\s+Succeeded\\s+Standard\\s+2\\s+tiny-chat");
            Run show = cli(concat(new String[] {"deployments", "show", "--deployment-name", "cli-bot"}, where));
            assertThat(show.out()).contains("\"provisioningState\" : \"Succeeded\"");

            String token = cli("token", "--data", data.toString()).lastLine();
            Run unknown = cli("deployments", "create", "--endpoint", endpoint, "--token", token, "--name", "my-resource",
                    "--deployment-name", "other", "--model-name", "no-such-model");
            assertThat(unknown.code()).isEqualTo(3);
            assertThat(unknown.err()).contains("HTTP 400").contains("properties.model.name 'no-such-model'");

            assertThat(cli(concat(new String[] {"deployments", "delete", "--deployment-name", "cli-bot"}, where)).out())
                    .contains("Deleted deployment cli-bot.");
            assertThat(cli(concat(new String[] {"deployments", "list"}, where)).out()).doesNotContain("cli-bot");
            assertThat(cli(concat(new String[] {"deployments", "delete", "--deployment-name", "cli-bot"}, where)).out())
                    .contains("nothing to delete");
            Run forged = cli("deployments", "list", "--endpoint", endpoint, "--token", "YWJj.YWJj.YWJj");
            assertThat(forged.code()).isEqualTo(3);
            assertThat(forged.err()).contains("HTTP 401").contains("not signed by this service");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
