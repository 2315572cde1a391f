package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.howToBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import dev.whetstone.server.api.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13's acceptance, end to end on the service as {@code whetstone serve} builds it (the real trainer with the
 * production image loader, the torch inference engine, the demo models): fine-tune {@code tiny-vision} through the
 * API on a generated data set of solid-colour PNGs (data: URLs) whose answer names the colour, deploy it and the
 * base, and ask about held-out images (other sizes and shades): the fine-tuned deployment names every colour,
 * streaming too; the base names none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VisionFineTuneApiTest {
    static final String KEY = "vision-key";
    static final String QUESTION = "What colour is this?";
    static final Map<String, int[]> COLOURS = Map.of("red", new int[] {220, 30, 30}, "green", new int[] {30, 200, 40},
            "blue", new int[] {30, 40, 220}, "yellow", new int[] {230, 220, 40});
    static final List<String> NAMES = List.of("red", "green", "blue", "yellow");

    @TempDir static Path data;
    WhetstoneServer server;
    String base;
    OpenAIClient client;
    ArmClient arm;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String fineTuned;

    @BeforeAll
    void fineTuneTinyVision() throws Exception {
        server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true));
        base = "http://127.0.0.1:" + server.port();
        client = TestServer.azureClient(base, KEY);
        arm = new ArmClient(base, KEY);
        StringBuilder jsonl = new StringBuilder();
        int[][] variants = {{24, 24, 0}, {40, 28, -15}, {20, 50, 12}, {64, 40, 6}};
        for (int[] v : variants) {
            for (String name : NAMES) {
                ObjectNode line = Json.MAPPER.createObjectNode();
                ArrayNode messages = line.putArray("messages");
                messages.add(user(png(COLOURS.get(name), v[0], v[1], v[2])));
                messages.addObject().put("role", "assistant").put("content", name);
                jsonl.append(Json.MAPPER.writeValueAsString(line)).append('\n');
            }
        }
        Path file = data.resolve("colours.jsonl");
        Files.writeString(file, jsonl, StandardCharsets.UTF_8);
        String id = client.files().create(FileCreateParams.builder().file(file).purpose(FilePurpose.FINE_TUNE)
                .build()).id();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.files().retrieve(id).status().asString()
                .matches("processed|error"));
        assertThat(client.files().retrieve(id).status().asString()).isEqualTo("processed");
        HttpResponse<String> created = post("/openai/fine_tuning/jobs?api-version=2024-10-21",
                "{\"model\":\"tiny-vision\",\"training_file\":\"" + id + "\",\"seed\":11,"
                        + "\"hyperparameters\":{\"n_epochs\":6,\"batch_size\":2}}");
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        String job = Json.MAPPER.readTree(created.body()).path("id").asText();
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(1)).until(() ->
                jobStatus(job).path("status").asText().matches("succeeded|failed|cancelled"));
        JsonNode done = jobStatus(job);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        fineTuned = done.path("fine_tuned_model").asText();
    }

    @AfterAll
    void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    @Test
    void theFineTunedDeploymentNamesTheColourOfHeldOutImagesAndTheBaseDoesNot() throws Exception {
        assertThat(deploy("colours", fineTuned)).isEqualTo("Succeeded");
        assertThat(deploy("vision-base", "tiny-vision")).isEqualTo("Succeeded");
        JsonNode models = Json.MAPPER.readTree(get("/openai/models?api-version=2024-10-21").body());
        assertThat(models.toString()).contains("tiny-vision");
        int[][] heldOut = {{30, 30, -8}, {56, 18, 10}};
        int baseCorrect = 0;
        for (int[] v : heldOut) {
            for (String name : NAMES) {
                String image = png(COLOURS.get(name), v[0], v[1], v[2]);
                assertThat(ask("colours", image, false)).as("%s %dx%d", name, v[0], v[1]).isEqualTo(name);
                if (ask("vision-base", image, false).equals(name)) baseCorrect++;
            }
        }
        assertThat(baseCorrect).as("answers of the base model that name the colour").isZero();
        String blue = png(COLOURS.get("blue"), 36, 22, 4);
        assertThat(ask("colours", blue, true)).as("streamed").isEqualTo("blue");
    }

    private static ObjectNode user(String imageUrl) {
        ObjectNode m = Json.MAPPER.createObjectNode().put("role", "user");
        ArrayNode content = m.putArray("content");
        content.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl);
        content.addObject().put("type", "text").put("text", QUESTION);
        return m;
    }

    /** Greedy chat with the image, whole or streamed (the deltas joined). */
    private String ask(String deployment, String imageUrl, boolean stream) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode().put("temperature", 0).put("max_tokens", 8)
                .put("stream", stream);
        body.putArray("messages").add(user(imageUrl));
        HttpResponse<String> r = post("/openai/deployments/" + deployment + "/chat/completions?api-version=2024-10-21",
                Json.MAPPER.writeValueAsString(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        if (!stream) return Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText().strip();
        StringBuilder out = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) continue;
            JsonNode chunk = Json.MAPPER.readTree(line.substring(6));
            for (JsonNode c : chunk.path("choices")) out.append(c.at("/delta/content").asText(""));
        }
        return out.toString().strip();
    }

    static String png(int[] rgb, int w, int h, int shade) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int v = (clamp(rgb[0] + shade) << 16) | (clamp(rgb[1] + shade) << 8) | clamp(rgb[2] + shade);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, v);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static int clamp(int v) { return Math.max(0, Math.min(255, v)); }

    private String deploy(String name, String model) throws Exception {
        return arm.deploy(name, howToBody(model, 20));
    }

    private JsonNode jobStatus(String id) throws Exception {
        return Json.MAPPER.readTree(get("/openai/fine_tuning/jobs/" + id + "?api-version=2024-10-21").body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("api-key", KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("api-key", KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
