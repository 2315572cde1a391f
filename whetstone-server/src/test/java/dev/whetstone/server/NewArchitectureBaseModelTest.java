package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.howToBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.JobCreateParams;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import dev.whetstone.engine.torch.model.RopeScaling;
import dev.whetstone.testing.XboxSupportData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A model folder of a newer architecture, dropped into the models directory, is discovered, fine-tuned, deployed and
 * chatted with through the API, on the service as {@code whetstone serve} builds it, with the demo ChatML tokenizer:
 * <ul>
 *   <li>a tiny Qwen3 checkpoint in the published layout (q/k norms, explicit head_dim);</li>
 *   <li>tiny Mistral, Gemma 2, Gemma 3 and SmolLM3 checkpoints in their published layouts (the factory's tiny
 *       sliding windows, which the examples exceed; SmolLM3's layers without RoPE);</li>
 *   <li>a tiny Phi3ForCausalLM checkpoint in the published layout (LoRA on the fused qkv_proj and gate_up_proj,
 *       partial rotary, longrope whose pre-training context of 32 tokens the training examples and the chat prompt
 *       exceed, so the long factors are in use).</li>
 * </ul>
 */
class NewArchitectureBaseModelTest {
    private static final String KEY = "arch-key";

    /** The architectures, each with the rope scaling its published configs use. */
    enum Case {
        QWEN3(TinyModelFactory.Arch.QWEN3, null),
        MISTRAL(TinyModelFactory.Arch.MISTRAL, null),
        GEMMA2(TinyModelFactory.Arch.GEMMA2, null),
        GEMMA3(TinyModelFactory.Arch.GEMMA3, null),
        SMOLLM3(TinyModelFactory.Arch.SMOLLM3, null),
        PHI3(TinyModelFactory.Arch.PHI3, new RopeScaling("longrope", 0, 0, 0, 32));

        final TinyModelFactory.Arch arch;
        final RopeScaling rope;

        Case(TinyModelFactory.Arch arch, RopeScaling rope) {
            this.arch = arch;
            this.rope = rope;
        }
    }

    @TempDir Path data;

    @ParameterizedTest
    @EnumSource(Case.class)
    void aFolderOfTheArchitectureFineTunesDeploysAndChats(Case c) throws Exception {
        String name = "tiny-" + c.name().toLowerCase(java.util.Locale.ROOT);
        String bot = c.name().toLowerCase(java.util.Locale.ROOT) + "-bot";
        Path model = data.resolve("models").resolve(name);
        TinyTokenizerFactory.write(model, TinyTokenizerFactory.Flavor.CHAT);
        TinyModelFactory.write(model, new TinyModelFactory.Spec(c.arch,
                TinyTokenizerFactory.vocabSize(), 64, 2, 4, 2, 128, 512, true, c.rope, false), 3);
        try (WhetstoneServer server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null,
                Set.of(KEY), Map.of(), ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), false))) {
            OpenAIClient client = TestServer.azureClient("http://127.0.0.1:" + server.port(), KEY);
            assertThat(client.models().retrieve(name).id()).isEqualTo(name);
            Path file = data.resolve("training_set.jsonl");
            Files.writeString(file, XboxSupportData.chatJsonl(10), StandardCharsets.UTF_8);
            String training = client.files().create(FileCreateParams.builder().file(file)
                    .purpose(FilePurpose.FINE_TUNE).build()).id();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.files().retrieve(training).status().asString().equals("processed"));

            FineTuningJob created = client.fineTuning().jobs().create(JobCreateParams.builder().model(name)
                    .trainingFile(training).seed(7L).build());
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> Set.of(
                    "succeeded", "failed", "cancelled").contains(
                    client.fineTuning().jobs().retrieve(created.id()).status().asString()));
            FineTuningJob job = client.fineTuning().jobs().retrieve(created.id());
            assertThat(job.status().asString()).as("job %s: %s", job.id(), job.error()).isEqualTo("succeeded");

            String fineTuned = job.fineTunedModel().orElseThrow();
            ArmClient arm = new ArmClient("http://127.0.0.1:" + server.port(), KEY);
            assertThat(arm.put(bot, howToBody(fineTuned, 20)).statusCode()).isIn(200, 201);
            await().atMost(Duration.ofSeconds(60)).until(() -> Set.of("Succeeded", "Failed").contains(
                    ArmClient.json(arm.get(bot)).at("/properties/provisioningState").asText()));
            JsonNode deployment = ArmClient.json(arm.get(bot));
            assertThat(deployment.at("/properties/provisioningState").asText()).as(deployment.toString())
                    .isEqualTo("Succeeded");

            ChatCompletion chat = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(bot).addSystemMessage(XboxSupportData.SYSTEM)
                    .addUserMessage(XboxSupportData.question(0)).temperature(0.0).maxTokens(8).build());
            assertThat(chat.model()).isEqualTo(fineTuned);
            assertThat(chat.usage().orElseThrow().completionTokens()).isPositive();
            assertThat(chat.choices().getFirst().finishReason().asString()).isIn("stop", "length");
            client.close();
        }
    }
}
