package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.WhetstoneServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code whetstone jobs follow} against the production service started in this JVM, training tiny-chat for real. */
class JobsFollowTest {
    static final String KEY = "follow-test-key";

    @TempDir Path data;
    WhetstoneServer server;
    ServiceClient client;
    String trainingFile;

    @BeforeEach
    void start() throws Exception {
        server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true));
        client = new ServiceClient(endpoint(), KEY);
        trainingFile = client.upload(ServiceClient.chatLines(10));
        await().atMost(Duration.ofSeconds(20)).until(() -> client.fileStatus(trainingFile).equals("processed"));
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    String endpoint() { return "http://127.0.0.1:" + server.port(); }

    String createJob() throws Exception {
        return client.json("POST", "/openai/fine_tuning/jobs", "{\"model\":\"tiny-chat\",\"training_file\":\""
                + trainingFile + "\",\"seed\":7,\"hyperparameters\":{\"n_epochs\":1,\"batch_size\":2}}").get("id").asText();
    }

    @Test
    void followPrintsEventsAndProgressAndExitsZeroWhenTheJobSucceeds() throws Exception {
        String id = createJob();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new JobFollower(new ApiClient(endpoint(), KEY), new PrintStream(bytes, true, StandardCharsets.UTF_8),
                false, Duration.ofMillis(100)).follow(id);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(out).contains("Job started.").contains("step 5/5").contains("Job " + id + " succeeded (model tiny-chat.ft-")
                .doesNotContain("\r");
        assertThat(out.lines().filter(l -> l.contains("Job started."))).hasSize(1);
    }

    @Test
    void onATerminalTheProgressLineIsRedrawnInPlace() throws Exception {
        String id = createJob();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JobFollower(new ApiClient(endpoint(), KEY), new PrintStream(bytes, true, StandardCharsets.UTF_8),
                true, Duration.ofMillis(100)).follow(id);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("\r[########################] step 5/5");
        // What stays on screen: each line as the terminal shows it after its carriage returns and erases.
        List<String> visible = java.util.Arrays.stream(out.split("\n")).map(l -> l.substring(l.lastIndexOf('\r') + 1).replace("\033[K", "")).toList();
        assertThat(visible.stream().filter(l -> l.startsWith("["))).as(out).hasSize(1);
        assertThat(visible.get(visible.size() - 2)).startsWith("[########################] step 5/5");
        assertThat(visible.getLast()).startsWith("Job " + id + " succeeded");
        assertThat(visible).anyMatch(l -> l.endsWith("Job started."));
    }

    @Test
    void theCommandExitsOneForACancelledJobAndTwoForAnUnknownOne() throws Exception {
        String id = createJob();
        client.json("POST", "/openai/fine_tuning/jobs/" + id + "/cancel", null);
        String[] common = {"--endpoint", endpoint(), "--api-key", KEY, "--poll-ms", "100"};
        assertThat(WhetstoneCli.run(concat(new String[]{"jobs", "follow", id}, common))).isEqualTo(1);
        assertThat(WhetstoneCli.run(concat(new String[]{"jobs", "follow", "ftjob-doesnotexist"}, common))).isEqualTo(WhetstoneCli.ERROR);
        assertThat(WhetstoneCli.run("jobs", "list", "--endpoint", endpoint(), "--api-key", KEY)).isZero();
        assertThat(WhetstoneCli.run("jobs", "show", id, "--endpoint", endpoint(), "--api-key", "wrong")).isEqualTo(WhetstoneCli.ERROR);
    }

    @Test
    void theCommandExitsZeroForASucceededJob() throws Exception {
        String id = createJob();
        assertThat(WhetstoneCli.run("jobs", "follow", id, "--endpoint", endpoint(), "--api-key", KEY, "--poll-ms", "100"))
                .isZero();
        assertThat(client.jobStatus(id)).isEqualTo("succeeded");
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
