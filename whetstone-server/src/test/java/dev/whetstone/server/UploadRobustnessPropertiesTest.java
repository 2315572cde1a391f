package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.api.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever arrives — random bytes as the file, multipart bodies cut or corrupted anywhere — the answer is 201
 * or a 4xx in the envelope, never a 500, and every file that is listed is complete (its content is exactly
 * what was sent).
 */
class UploadRobustnessPropertiesTest {
    private static TestServer ts;
    private static Path dir;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("whetstone-props");
        ts = TestServer.start(dir, 64 * 1024, in -> {
            in.readAllBytes();
            return new dev.whetstone.files.FileValidation.Result(true, null, null);
        });
    }

    @AfterContainer
    static void stop() {
        ts.close();
    }

    @Property(tries = 60)
    void anyFileContentIsStoredExactlyOrRefusedWith4xx(@ForAll("contents") byte[] content) throws Exception {
        byte[] body = new Multipart().field("purpose", "fine-tune", null).file("r.jsonl", content, "application/json").build();
        HttpResponse<String> response = post(body);
        assertThat(response.statusCode()).as(response.body()).isIn(201, 400, 413);
        if (response.statusCode() == 201) {
            String id = Json.MAPPER.readTree(response.body()).get("id").asText();
            assertThat(contentOf(id)).isEqualTo(content);
        } else {
            assertThat(Json.MAPPER.readTree(response.body()).get("error").get("message").asText()).isNotBlank();
        }
    }

    @Property(tries = 60)
    void corruptedMultipartNeverFailsTheServer(@ForAll("cuts") int cut, @ForAll("flips") int flipAt) throws Exception {
        byte[] body = new Multipart().field("purpose", "fine-tune", null)
                .file("c.jsonl", FilesApiTest.trainingFile(), "application/json").build();
        byte[] corrupted = Arrays.copyOf(body, Math.min(cut, body.length));
        if (flipAt < corrupted.length) corrupted[flipAt] ^= 0x5a;
        HttpResponse<String> response = post(corrupted);
        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        for (JsonNode f : Json.MAPPER.readTree(ts.get("/openai/files?api-version=2024-10-21").body()).get("data")) {
            assertThat(f.get("bytes").asLong()).isEqualTo(contentOf(f.get("id").asText()).length);
        }
    }

    @Provide
    Arbitrary<byte[]> contents() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(2000),
                Arbitraries.strings().ofMaxLength(500).map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMinSize(64 * 1024 - 8).ofMaxSize(64 * 1024 + 8));
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, 1200);
    }

    @Provide
    Arbitrary<Integer> flips() {
        return Arbitraries.integers().between(0, 1200);
    }

    private static HttpResponse<String> post(byte[] body) throws Exception {
        return ts.send(ts.request("/openai/files?api-version=2024-10-21")
                .header("Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static byte[] contentOf(String id) throws Exception {
        HttpResponse<byte[]> r;
        long deadline = System.currentTimeMillis() + 5000;
        do {
            r = ts.http.send(ts.request("/openai/files/" + id + "/content?api-version=2024-10-21").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 409) break;
            Thread.sleep(20);
        } while (System.currentTimeMillis() < deadline);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
