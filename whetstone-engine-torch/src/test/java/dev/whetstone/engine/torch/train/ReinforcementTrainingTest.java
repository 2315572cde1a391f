package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ReinforcementExample;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.engine.RewardFunction;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingListener.Control;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.TokenizerExampleEncoders;
import dev.whetstone.engine.torch.demo.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRPO through the Trainer port on the demo model {@code tiny-chat} (random weights, 768 tokens): a reward for
 * answers containing a word drives the mean reward from near 0 to at least 0.8; a paused and resumed run samples
 * and trains exactly as the uninterrupted one (sampling streams derive from seed and step).
 */
class ReinforcementTrainingTest {
    @TempDir Path dir;

    static List<TrainingExample> prompts(int n, int from, String word) {
        List<TrainingExample> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            ObjectNode item = JsonNodeFactory.instance.objectNode();
            item.put("answer", word);
            out.add(new ReinforcementExample(List.of(ChatMessage.text("user", "Question number " + i + "?")), item));
        }
        return out;
    }

    /** What a string_check "like" grader on {{item.answer}} computes. */
    static final RewardFunction CONTAINS = (answer, item) -> answer.contains(item.get("answer").asText()) ? 1 : 0;

    private RecordingListener train(String work, String word, int epochs, Control at, int step) throws Exception {
        Path base = dir.resolve("tiny-chat");
        if (!base.toFile().exists()) TinyModels.create(base, TinyModels.Kind.CHAT);
        TrainingSpec.Hyperparameters hp = new TrainingSpec.Hyperparameters(epochs, 2, 1.0, null,
                new TrainingSpec.Reinforcement("{}", 4, 2, 1.0, null));
        RecordingListener l = new RecordingListener(n -> n == step ? at : Control.CONTINUE);
        TrainingOutcome o = new TorchTrainer(new TokenizerExampleEncoders(), TrainingFixtures.options()).train(
                new TrainingSpec(base, null, prompts(8, 0, word), prompts(2, 100, word), hp, TrainingSpec.Method.LORA,
                        3, dir.resolve(work), dev.whetstone.data.image.UrlImageLoader.withDefaults(false), CONTAINS), l);
        assertThat(o.hyperparameters().reinforcement().groupSize()).isEqualTo(8);
        return l;
    }

    /** " help" is one token; 32-token answers of the random model contain it in about 2 % of the samples. */
    @Test
    void theRewardRisesFromNearZeroToAtLeastPointEight() throws Exception {
        List<StepMetrics> steps = train("learn", "help", 8, Control.CONTINUE, -1).steps;
        assertThat(steps).hasSize(32);
        double first = steps.subList(0, 4).stream().mapToDouble(StepMetrics::trainRewardMean).average().orElseThrow();
        double last = steps.subList(28, 32).stream().mapToDouble(StepMetrics::trainRewardMean).average().orElseThrow();
        assertThat(first).isLessThanOrEqualTo(0.2);
        assertThat(last).isGreaterThanOrEqualTo(0.8);
        assertThat(steps.getFirst().trainKl()).isZero();          // LoRA B = 0: the policy is the reference
        assertThat(steps.getLast().trainKl()).isPositive();
        assertThat(steps.getLast().validRewardMean()).isGreaterThanOrEqualTo(0.5);   // greedy answers, unseen prompts
        assertThat(steps.get(2).validRewardMean()).isNull();
        assertThat(steps.getLast().trainAnswerLength()).isBetween(1.0, 32.0);
    }

    /** "e" is common enough that the first steps already have gradients to resume in the middle of. */
    @Test
    void aResumedRunSamplesAndTrainsExactlyAsTheUninterruptedOne() throws Exception {
        List<StepMetrics> whole = train("whole", "e", 1, Control.CONTINUE, -1).steps;
        RecordingListener paused = train("split", "e", 1, Control.PAUSE, 2);
        assertThat(paused.steps).hasSize(2);
        List<StepMetrics> rest = train("split", "e", 1, Control.CONTINUE, -1).steps;
        assertThat(whole).hasSize(4);
        assertThat(whole.get(1).trainLoss()).isNotZero();
        List<StepMetrics> joined = new ArrayList<>(paused.steps);
        joined.addAll(rest);
        assertThat(numbers(joined)).isEqualTo(numbers(whole));
    }

    private static List<List<Object>> numbers(List<StepMetrics> steps) {
        return steps.stream().map(m -> List.<Object>of(m.step(), m.trainLoss(), m.trainMeanTokenAccuracy(),
                m.trainRewardMean(), String.valueOf(m.validRewardMean()), m.trainKl(), m.trainAnswerLength())).toList();
    }
}
