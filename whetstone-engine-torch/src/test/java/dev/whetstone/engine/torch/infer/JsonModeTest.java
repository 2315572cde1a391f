package dev.whetstone.engine.torch.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.OutputConstraint;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON mode on a random tiny model, whose logits know nothing of JSON: over many seeds every reply that ends is one
 * JSON object, by construction. Without the constraint the same model writes no JSON at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonModeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    TorchInferenceEngine engine;
    ServedModel model;

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        Path base = InferFixtures.model(dir.resolve("base"), TinyModelFactory.Arch.LLAMA, 11);
        engine = new TorchInferenceEngine(InferFixtures.options());
        model = engine.load(new ServingSpec("json", base, null));
    }

    @AfterAll
    void tearDown() { engine.close(); }

    private InferFixtures.Recorder run(long seed, OutputConstraint constraint) throws Exception {
        Prompt p = model.chatPrompt(List.of(ChatMessage.text("user", "Reply in JSON.")));
        InferFixtures.Recorder r = new InferFixtures.Recorder();
        model.generate(p, new SamplingOptions(400, 1.0, 1.0, seed, 0, 0, Map.of(), List.of(), -1, constraint), r);
        return r.result();
    }

    @Test
    void everyFinishedReplyIsOneJsonObject() throws Exception {
        int finished = 0;
        for (long seed = 1; seed <= 40; seed++) {
            InferFixtures.Recorder r = run(seed, OutputConstraint.JSON_OBJECT);
            String text = r.text();
            assertThat(text.stripLeading()).as("seed %d", seed).startsWith("{");
            if (r.reason == FinishReason.STOP) {
                finished++;
                JsonNode node = JSON.readTree(text);
                assertThat(node.isObject()).as("seed %d: %s", seed, text).isTrue();
            } else {
                assertThat(r.reason).isEqualTo(FinishReason.LENGTH);
            }
        }
        System.out.println("JSON mode, random tiny model: " + finished + " of 40 replies closed their object within 400 tokens");
        assertThat(finished).as("replies that closed their object within 400 tokens").isPositive();
    }

    @Test
    void theSameModelUnconstrainedWritesNoJson() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            String text = run(seed, OutputConstraint.NONE).text();
            assertThat(JsonAutomatonTest.jackson(text)).as("seed %d: %s", seed, text).isFalse();
        }
    }
}
