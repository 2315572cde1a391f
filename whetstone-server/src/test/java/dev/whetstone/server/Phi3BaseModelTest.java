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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Phi-3 folder in the models directory is discovered, fine-tuned (LoRA on the fused qkv_proj and gate_up_proj),
 * deployed and chatted with through the API, on the service as {@code whetstone serve} builds it: a tiny
 * Phi3ForCausalLM checkpoint in the published layout (fused projections, partial rotary, longrope whose
 * pre-training context of 32 tokens the training examples and the chat prompt exceed, so the long factors are in
 * use) with the demo ChatML tokenizer.
 */
class Phi3BaseModelTest {
    private static final String KEY = "phi3-key";

    @TempDir Path data;

    @Test
    void aPhi3FolderFineTunesDeploysAndChats() throws Exception {
        Path model = data.resolve("models").resolve("tiny-phi3");
        TinyTokenizerFactory.write(model, TinyTokenizerFactory.Flavor.CHAT);
        TinyModelFactory.write(model, new TinyModelFactory.Spec(TinyModelFactory.Arch.PHI3,
                TinyTokenizerFactory.vocabSize(), 64, 2, 4, 2, 128, 512, true,
                new RopeScaling("longrope", 0, 0, 0, 32), false), 3);
        try (WhetstoneServer server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null,
                Set.of(KEY), Map.of(), ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), false))) {
            OpenAIClient client = TestServer.azureClient("http://127.0.0.1:" + server.port(), KEY);
            assertThat(client.models().retrieve("tiny-phi3").id()).isEqualTo("tiny-phi3");
            Path file = data.resolve("training_set.jsonl");
            Files.writeString(file, XboxSupportData.chatJsonl(10), StandardCharsets.UTF_8);
            String training = client.files().create(FileCreateParams.builder().file(file)
                    .purpose(FilePurpose.FINE_TUNE).build()).id();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.files().retrieve(training).status().asString().equals("processed"));

            FineTuningJob created = client.fineTuning().jobs().create(JobCreateParams.builder().model("tiny-phi3")
                    .trainingFile(training).seed(7L).build());
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> Set.of(
                    "succeeded", "failed", "cancelled").contains(
                    client.fineTuning().jobs().retrieve(created.id()).status().asString()));
            FineTuningJob job = client.fineTuning().jobs().retrieve(created.id());
            assertThat(job.status().asString()).as("job %s: %s", job.id(), job.error()).isEqualTo("succeeded");

            String fineTuned = job.fineTunedModel().orElseThrow();
            ArmClient arm = new ArmClient("http://127.0.0.1:" + server.port(), KEY);
            assertThat(arm.put("phi3-bot", howToBody(fineTuned, 20)).statusCode()).isIn(200, 201);
            await().atMost(Duration.ofSeconds(60)).until(() -> Set.of("Succeeded", "Failed").contains(
                    ArmClient.json(arm.get("phi3-bot")).at("/properties/provisioningState").asText()));
            JsonNode deployment = ArmClient.json(arm.get("phi3-bot"));
            assertThat(deployment.at("/properties/provisioningState").asText()).as(deployment.toString())
                    .isEqualTo("Succeeded");

            ChatCompletion chat = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("phi3-bot").addSystemMessage(XboxSupportData.SYSTEM)
                    .addUserMessage(XboxSupportData.question(0)).temperature(0.0).maxTokens(8).build());
            assertThat(chat.model()).isEqualTo(fineTuned);
            assertThat(chat.usage().orElseThrow().completionTokens()).isPositive();
            assertThat(chat.choices().getFirst().finishReason().asString()).isIn("stop", "length");
            client.close();
        }
    }
}
