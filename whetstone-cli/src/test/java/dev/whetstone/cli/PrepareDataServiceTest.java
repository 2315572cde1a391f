package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.WhetstoneServer;
import dev.whetstone.testing.XlsxFixture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prepare-data against the production service in this JVM: what the tool calls valid, the Files API processes and
 * job creation accepts, and what it calls invalid, the service refuses; a prepared spreadsheet fine-tunes tiny-chat.
 */
class PrepareDataServiceTest {
    static final String KEY = "prepare-test-key";

    @TempDir Path root;
    Path data;
    WhetstoneServer server;
    ServiceClient client;

    @BeforeEach
    void start() throws Exception {
        data = root.resolve("data");
        server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true));
        client = new ServiceClient("http://127.0.0.1:" + server.port(), KEY);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** One input: how to run the tool on it and the model to create a job for. */
    record Case(String name, Path input, String model, List<String> extra) {}

    @Test
    void theToolAndTheServiceGiveTheSameVerdict() throws Exception {
        List<Case> cases = List.of(
                new Case("csv", pairsCsv("pairs.csv", 20, false), "tiny-completion", List.of("-q")),
                new Case("xlsx", pairsXlsx("pairs.xlsx", 20), "tiny-completion", List.of("-q")),
                new Case("json", pairsJson("pairs.json", 20), "tiny-completion", List.of("-q")),
                new Case("chat xlsx", chatXlsx("chat.xlsx", 12), "tiny-chat", List.of("-q")),
                new Case("too few", pairsCsv("few.csv", 5, false), "tiny-completion", List.of("-q")),
                new Case("empty completion kept", pairsCsv("holes.csv", 20, true), "tiny-completion", List.of()),
                new Case("chat for a completion model", chatXlsx("wrong.xlsx", 12), "tiny-completion", List.of("--format", "chat")));
        List<String> verdicts = new ArrayList<>();
        for (Case c : cases) {
            Path out = root.resolve(c.name().replace(' ', '_') + ".jsonl");
            List<String> args = new ArrayList<>(List.of("-f", c.input().toString(), "-o", out.toString(), "--model", c.model(),
                    "--data", data.toString()));
            args.addAll(c.extra());
            PrepareRun run = PrepareRun.of("", args.toArray(String[]::new));
            assertThat(run.code()).as(c.name() + ": " + run).isIn(0, PrepareDataCommand.INVALID);
            String service = serviceVerdict(Files.readString(out, StandardCharsets.UTF_8), c.model());
            assertThat(run.code() == 0).as(c.name() + ": tool said " + run.code() + ", service said " + service + "\n" + run)
                    .isEqualTo(service.equals("accepted"));
            verdicts.add(c.name() + ": " + service);
        }
        assertThat(verdicts).as("each kind of verdict is exercised").anyMatch(v -> v.endsWith("accepted"))
                .anyMatch(v -> v.contains("file error")).anyMatch(v -> v.contains("job refused"));
    }

    @Test
    void aPreparedChatSpreadsheetFineTunesTinyChat() throws Exception {
        Path out = root.resolve("chat.jsonl");
        PrepareRun run = PrepareRun.of("", "-f", chatXlsx("chat.xlsx", 10).toString(), "-o", out.toString(),
                "--model", "tiny-chat", "--data", data.toString(), "-q");
        assertThat(run.code()).as(run.toString()).isZero();
        String file = client.upload(Files.readString(out, StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> client.fileStatus(file).equals("processed"));
        String job = client.json("POST", "/openai/fine_tuning/jobs", "{\"model\":\"tiny-chat\",\"training_file\":\"" + file
                + "\",\"seed\":3,\"hyperparameters\":{\"n_epochs\":1,\"batch_size\":2}}").get("id").asText();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> List.of("succeeded", "failed", "cancelled").contains(client.jobStatus(job)));
        assertThat(client.jobStatus(job)).as(client.events(job).toString()).isEqualTo("succeeded");
    }

    /** "accepted", or why not: the file's validation error or job creation's refusal. */
    private String serviceVerdict(String jsonl, String model) throws Exception {
        String file = client.upload(jsonl);
        await().atMost(Duration.ofSeconds(30)).until(() -> !client.fileStatus(file).matches("pending|running"));
        if (client.fileStatus(file).equals("error")) return "file error: " + client.get("/openai/files/" + file).get("status_details");
        HttpResponse<String> created = client.send("POST", "/openai/fine_tuning/jobs", "{\"model\":\"" + model
                + "\",\"training_file\":\"" + file + "\",\"hyperparameters\":{\"n_epochs\":1}}");
        if (created.statusCode() / 100 != 2) return "job refused: " + created.body();
        String job = ServiceClient.JSON.readTree(created.body()).get("id").asText();
        client.send("POST", "/openai/fine_tuning/jobs/" + job + "/cancel", null);
        return "accepted";
    }

    private Path pairsCsv(String name, int rows, boolean holes) throws Exception {
        StringBuilder b = new StringBuilder("prompt,completion\n");
        for (int i = 0; i < rows; i++) b.append("Double ").append(i).append(',').append(holes && i == 7 ? "" : 2 * i).append('\n');
        return Files.writeString(root.resolve(name), b);
    }

    private Path pairsXlsx(String name, int rows) throws Exception {
        List<List<Object>> cells = new ArrayList<>();
        cells.add(List.of("prompt", "completion"));
        for (int i = 0; i < rows; i++) cells.add(List.of("Double " + i, 2 * i));
        return XlsxFixture.write(root.resolve(name), cells);
    }

    private Path pairsJson(String name, int rows) throws Exception {
        StringBuilder prompts = new StringBuilder();
        StringBuilder completions = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            prompts.append(i == 0 ? "" : ",").append("\"Double ").append(i).append('"');
            completions.append(i == 0 ? "" : ",").append(2 * i);
        }
        return Files.writeString(root.resolve(name), "{\"prompt\":[" + prompts + "],\"completion\":[" + completions + "]}");
    }

    private Path chatXlsx(String name, int rows) throws Exception {
        List<List<Object>> cells = new ArrayList<>();
        cells.add(List.of("system", "user", "assistant"));
        for (int i = 0; i < rows; i++) cells.add(List.of("You are Clippy.", "Q" + i + "?", "A" + i + "."));
        return XlsxFixture.write(root.resolve(name), cells);
    }
}
