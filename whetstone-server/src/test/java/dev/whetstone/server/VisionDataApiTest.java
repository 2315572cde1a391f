package dev.whetstone.server;

import static dev.whetstone.server.JobClient.V;
import static dev.whetstone.server.JobClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.data.TrainingFileValidation;
import dev.whetstone.data.image.UrlImageLoader;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Role;
import dev.whetstone.testing.FakeModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image training data through the real server: uploaded files' images are loaded by the production validation
 * (loopback refused), bad ones named by line, message, part and reason; a job that would train a text-only model on
 * images is refused at creation, naming the model, the file and the first line with an image.
 */
class VisionDataApiTest {
    @TempDir Path dir;
    TestServer ts;
    JobClient client;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.start(dir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES,
                TrainingFileValidation.jsonl(UrlImageLoader.withDefaults(false)));
        FakeModels.createVision(dir.resolve("models"), "tiny-vision");
        client = new JobClient(ts);
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    static String png(int rgb) throws Exception {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) image.setRGB(x, y, rgb);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static String line(String imageUrl, String answer) {
        String user = imageUrl == null ? "\"What colour is red?\""
                : "[{\"type\":\"text\",\"text\":\"What colour is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\""
                + imageUrl + "\"}}]";
        return "{\"messages\":[{\"role\":\"user\",\"content\":" + user + "},{\"role\":\"assistant\",\"content\":\""
                + answer + "\"}]}\n";
    }

    /** Ten examples, the first image on line 3. */
    String imageFile() throws Exception {
        StringBuilder b = new StringBuilder(line(null, "red")).append(line(null, "red"));
        for (int i = 0; i < 8; i++) b.append(line(png(i % 2 == 0 ? 0xFF0000 : 0x0000FF), i % 2 == 0 ? "red" : "blue"));
        return b.toString();
    }

    @Test
    void aTextOnlyModelIsRefusedForImageDataNamingModelFileAndLine() throws Exception {
        String training = client.upload("colours.jsonl", imageFile());
        JsonNode file = json(ts.get("/openai/files/" + training + "?" + V));
        assertThat(file.get("status").asText()).isEqualTo("processed");

        HttpResponse<String> refused = client.create("{\"model\":\"tiny-chat\",\"training_file\":\"" + training + "\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonNode error = json(refused).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalidPayload");
        assertThat(error.get("param").asText()).isEqualTo("training_file");
        assertThat(error.get("message").asText())
                .contains("File '" + training + "'")
                .contains("first on line 3")
                .contains("model 'tiny-chat' cannot see images");

        // the same refusal for a validation file with images on a text model whose training file is text
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10; i++) text.append(line(null, "red"));
        String textFile = client.upload("text.jsonl", text.toString());
        HttpResponse<String> validation = client.create("{\"model\":\"tiny-chat\",\"training_file\":\"" + textFile
                + "\",\"validation_file\":\"" + training + "\"}");
        assertThat(validation.statusCode()).as(validation.body()).isEqualTo(400);
        assertThat(json(validation).get("error").get("param").asText()).isEqualTo("validation_file");
        assertThat(json(validation).get("error").get("message").asText()).contains("first on line 3");

        // a text file on the text model, and the image file on the vision model, are accepted
        assertThat(client.create("{\"model\":\"tiny-chat\",\"training_file\":\"" + textFile + "\"}").statusCode())
                .isEqualTo(201);
        HttpResponse<String> vision = client.create("{\"model\":\"tiny-vision\",\"training_file\":\"" + training + "\"}");
        assertThat(vision.statusCode()).as(vision.body()).isEqualTo(201);
    }

    @Test
    void theModelsListSaysWhichModelsSeeImages() throws Exception {
        JsonNode models = json(ts.get("/openai/models?" + V)).get("data");
        Map<String, Boolean> vision = new TreeMap<>();
        for (JsonNode m : models) vision.put(m.get("id").asText(), m.get("capabilities").get("vision").asBoolean());
        assertThat(vision).containsEntry("tiny-vision", true).containsEntry("tiny-chat", false);
    }

    @Test
    void aDeployedVisionModelSaysSoAndAnswersAboutTheAttachedImage() throws Exception {
        ArmClient arm = new ArmClient(ts.base,
                ts.adminToken());
        assertThat(arm.put("eyes", ArmClient.howToBody("tiny-vision")).statusCode()).isEqualTo(201);
        assertThat(arm.put("words", ArmClient.howToBody("tiny-chat")).statusCode()).isEqualTo(201);
        assertThat(arm.awaitTerminal("eyes").at("/properties/capabilities/vision").asText()).isEqualTo("true");
        assertThat(arm.awaitTerminal("words").at("/properties/capabilities/vision").asText()).isEqualTo("false");

        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Which colour?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + png(0xFF0000) + "\",\"detail\":\"high\"}}]}]}";
        HttpResponse<String> seen = ts.post("/openai/deployments/eyes/chat/completions?api-version=2024-10-21", body);
        assertThat(seen.statusCode()).as(seen.body()).isEqualTo(200);
        assertThat(json(seen).at("/choices/0/message/content").asText()).isEqualTo("echo: Which colour? <image 8x8 #ff0000>");

        HttpResponse<String> blind = ts.post("/openai/deployments/words/chat/completions?api-version=2024-10-21", body);
        assertThat(blind.statusCode()).isEqualTo(400);
        assertThat(json(blind).at("/error/message").asText()).contains("deployment 'words' serves 'tiny-chat'");
    }

    @Test
    void badImagesFailTheUploadWithLineMessagePartAndReason() throws Exception {
        String notAnImage = "data:image/png;base64," + Base64.getEncoder()
                .encodeToString("just text".getBytes(StandardCharsets.UTF_8));
        String content = line(png(0xFF0000), "red") + line(notAnImage, "red") + line("http://127.0.0.1:9/a.png", "red");
        String id = uploadExpectingError(content);
        String details = json(ts.get("/openai/files/" + id + "?" + V)).get("status_details").asText();
        assertThat(details)
                .contains("Line 2, messages[0].content[1].image_url.url: not an image (not_an_image):")
                .contains("Line 3, messages[0].content[1].image_url.url: unreachable image (unreachable):")
                .contains("private or loopback");
    }

    private String uploadExpectingError(String jsonl) throws Exception {
        byte[] body = new Multipart().field("purpose", "fine-tune", null)
                .file("bad.jsonl", jsonl.getBytes(StandardCharsets.UTF_8), "application/json").build();
        HttpResponse<String> r = ts.send(ts.request("/openai/files?api-version=2023-12-01-preview")
                .header("Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = json(r).get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                json(ts.get("/openai/files/" + id + "?" + V)).get("status").asText().equals("error"));
        return id;
    }
}
