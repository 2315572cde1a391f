package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.torch.TorchEngine;
import dev.whetstone.models.FineTunedModel;
import dev.whetstone.server.api.Json;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /models/{id}/export} with the engine's real export, on a demo-shaped base model and a full fine-tune
 * of it: the GGUF file or a zip of the folder, and error envelopes that say what is wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelExportApiTest {
    private static final String V = "api-version=2024-10-21";

    @TempDir static Path data;
    TestServer server;

    @BeforeAll
    void start() throws Exception {
        TorchEngine.createDemoModel(data.resolve("models").resolve("tiny-real"), "tiny-chat");
        server = TestServer.start(data);
        Path full = data.resolve("jobs/ftjob-1/model");
        TorchEngine.createDemoModel(full, "tiny-chat"); // stands for a full fine-tuning checkpoint of tiny-real
        server.stores.models().insert(new FineTunedModel("tiny-real.ft-1", 1, "tiny-real", "ftjob-1",
                "jobs/ftjob-1/model", "succeeded"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<byte[]> download(String path) throws Exception {
        return server.http.send(server.request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void ggufOfABaseModelIsTheFileItself() throws Exception {
        HttpResponse<byte[]> r = download("/openai/models/tiny-real/export?format=gguf&gguf_type=q8_0&" + V);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"tiny-real-q8_0.gguf\"");
        assertThat(new String(Arrays.copyOf(r.body(), 4), StandardCharsets.US_ASCII)).isEqualTo("GGUF");
        // the server deletes its scratch copy once the body is sent, which may be just after the client has it all
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Files.list(data.resolve("tmp")).toList()).as("scratch copy deleted").isEmpty());
    }

    @Test
    void hfOfAFineTunedModelIsAZipOfTheCompleteFolder() throws Exception {
        HttpResponse<byte[]> r = download("/v1/models/tiny-real.ft-1/export?format=hf");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/zip"));
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(r.body()))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) names.add(e.getName());
        }
        assertThat(names).contains("tiny-real.ft-1/config.json", "tiny-real.ft-1/model.safetensors",
                "tiny-real.ft-1/tokenizer.json", "tiny-real.ft-1/tokenizer_config.json");
    }

    @Test
    void peftOfACompleteModelIsRefusedNamingTheFormat() throws Exception {
        JsonNode error = error(server.get("/openai/models/tiny-real.ft-1/export?format=peft&" + V), 400);
        assertThat(error.path("param").asText()).isEqualTo("format");
        assertThat(error.path("message").asText()).contains("not a LoRA adapter");
    }

    @Test
    void aMissingOrUnknownFormatOrTypeIsA400() throws Exception {
        assertThat(error(server.get("/openai/models/tiny-real/export?" + V), 400).path("param").asText())
                .isEqualTo("format");
        assertThat(error(server.get("/openai/models/tiny-real/export?format=onnx&" + V), 400).path("message").asText())
                .contains("peft", "hf", "gguf");
        assertThat(error(server.get("/openai/models/tiny-real/export?format=gguf&gguf_type=q4_k&" + V), 400)
                .path("param").asText()).isEqualTo("gguf_type");
        assertThat(error(server.get("/openai/models/tiny-real/export?format=hf&gguf_type=f16&" + V), 400)
                .path("param").asText()).isEqualTo("gguf_type");
    }

    @Test
    void aFineTunedModelWhoseFilesAreGoneIsA409NamingTheModel() throws Exception {
        server.stores.models().insert(new FineTunedModel("tiny-real.ft-gone", 1, "tiny-real", "ftjob-2",
                "jobs/ftjob-2/model", "succeeded"));
        JsonNode error = error(server.get("/openai/models/tiny-real.ft-gone/export?format=gguf&" + V), 409);
        assertThat(error.path("message").asText()).contains("tiny-real.ft-gone", "could not be exported");
    }

    /**
     * A checkpoint, by its ftchkpt id and by its name: a real LoRA adapter of tiny-real (PEFT layout, B non-zero),
     * exported as the adapter itself and merged into GGUF over the job's base model.
     */
    @Test
    void aCheckpointExportsByIdAndByName() throws Exception {
        Path adapter = data.resolve("jobs/ftjob-ck/checkpoints/step-4");
        try (var model = dev.whetstone.engine.torch.model.CausalLm.load(data.resolve("models/tiny-real"),
                new dev.whetstone.engine.torch.model.LoadOptions(dev.whetstone.engine.torch.model.Precision.FP32, false));
             var lora = dev.whetstone.engine.torch.lora.LoraModel.attach(model,
                     dev.whetstone.engine.torch.lora.LoraConfig.defaults(model.config().architecture()), 3)) {
            lora.save(adapter);
        }
        server.stores.jobs().insert(new dev.whetstone.jobs.FineTuningJob("ftjob-ck", 1,
                dev.whetstone.jobs.JobStatus.SUCCEEDED, "tiny-real", "file-train", null, null, 42L,
                dev.whetstone.engine.TrainingSpec.Hyperparameters.auto(), null, dev.whetstone.engine.TrainingSpec.Method.LORA,
                null, List.of(), null, null, null, null, 0, null, null, false, false));
        server.stores.checkpoints().insert(new dev.whetstone.jobs.Checkpoint("ftchkpt-abc", "ftjob-ck", 2, 4,
                "tiny-real.ft-ck:ckpt-step-4", java.util.Map.of(), "jobs/ftjob-ck/checkpoints/step-4"));
        HttpResponse<byte[]> peft = download("/openai/models/ftchkpt-abc/export?format=peft&" + V);
        assertThat(peft.statusCode()).as(new String(peft.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(peft.body()))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) names.add(e.getName());
        }
        assertThat(names).containsExactlyInAnyOrder("ftchkpt-abc/adapter_config.json",
                "ftchkpt-abc/adapter_model.safetensors");
        HttpResponse<byte[]> gguf = download("/v1/models/tiny-real.ft-ck:ckpt-step-4/export?format=gguf");
        assertThat(gguf.statusCode()).as(new String(gguf.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(gguf.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"tiny-real.ft-ck_ckpt-step-4-f16.gguf\"");
        assertThat(new String(Arrays.copyOf(gguf.body(), 4), StandardCharsets.US_ASCII)).isEqualTo("GGUF");
    }

    @Test
    void anUnknownModelIsA404() throws Exception {
        assertThat(error(server.get("/openai/models/nope/export?format=hf&" + V), 404).path("message").asText())
                .contains("nope");
    }

    private static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Json.MAPPER.readTree(r.body()).path("error");
    }
}
