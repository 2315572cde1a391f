package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.RewardFunction;
import dev.whetstone.engine.TrainingListener.Control;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.TokenizerExampleEncoders;
import dev.whetstone.engine.torch.demo.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reinforcement run with {@code response_format} json_schema samples every answer under the schema's automaton:
 * on the random-weight demo model {@code tiny-chat}, over several seeds, each sampled and each greedy answer the
 * grader sees is, once JSON's insignificant whitespace is removed, exactly one of the schema's two documents, or
 * (cut at the 32-token answer limit) a proper prefix of one. The same run without the format shows the model's
 * free answers fail that check, so it can fail.
 */
class ReinforcementResponseFormatTest {
    private static final String FORMAT = "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"verdict\",\"strict\":true,"
            + "\"schema\":{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\",\"enum\":[\"yes\",\"no\"]}},"
            + "\"required\":[\"word\"],\"additionalProperties\":false}}}";
    private static final List<String> DOCUMENTS = List.of("{\"word\":\"yes\"}", "{\"word\":\"no\"}");

    @TempDir Path dir;

    /** Every answer text the grader was asked to score. */
    private List<String> answers(String format, long seed) throws Exception {
        Path base = dir.resolve("tiny-chat");
        if (!base.toFile().exists()) TinyModels.create(base, TinyModels.Kind.CHAT);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        RewardFunction recording = (answer, item) -> {
            seen.add(answer);
            return answer.contains("yes") ? 1 : 0;
        };
        TrainingSpec.Hyperparameters hp = new TrainingSpec.Hyperparameters(1, 2, 1.0, null,
                new TrainingSpec.Reinforcement("{}", 1, 2, 0.5, null, format));
        new TorchTrainer(new TokenizerExampleEncoders(), TrainingFixtures.options()).train(
                new TrainingSpec(base, null, ReinforcementTrainingTest.prompts(4, 0, "yes"),
                        ReinforcementTrainingTest.prompts(2, 100, "yes"), hp, TrainingSpec.Method.LORA, seed,
                        dir.resolve("work-" + seed + "-" + (format != null)),
                        dev.whetstone.data.image.UrlImageLoader.withDefaults(false), recording),
                new RecordingListener(n -> Control.CONTINUE));
        return seen;
    }

    /** The text without whitespace outside strings (the schema's strings hold none). */
    private static String compact(String json) {
        return json.replaceAll("[ \\t\\r\\n]", "");
    }

    private static boolean completeOrPrefix(String answer) {
        String c = compact(answer);
        return DOCUMENTS.stream().anyMatch(d -> d.startsWith(c));
    }

    @Test
    void everyAnswerUnderASchemaIsItsDocumentOrAnUnfinishedPrefixOfOne() throws Exception {
        int complete = 0;
        int total = 0;
        for (long seed : new long[] {1, 2, 3}) {
            List<String> answers = answers(FORMAT, seed);
            assertThat(answers).isNotEmpty();
            for (String a : answers) {
                assertThat(completeOrPrefix(a)).as("seed %d answer %s", seed, a).isTrue();
                if (DOCUMENTS.contains(compact(a))) complete++;
                total++;
            }
        }
        // the automaton lets the end come only after the closing brace; some answers get there within 32 tokens
        assertThat(complete).as("complete of %d", total).isPositive();
    }

    @Test
    void withoutTheFormatTheRandomModelsAnswersAreNotThoseDocuments() throws Exception {
        List<String> answers = answers(null, 1);
        assertThat(answers).isNotEmpty();
        assertThat(answers.stream().filter(a -> !completeOrPrefix(a)).count()).isPositive();
    }
}
