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

class ReinforcementTrainingTest {
    @TempDir Path dir;

    static final String WORD = "Xbox";

    static List<TrainingExample> prompts(int n, int from) {
        List<TrainingExample> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            ObjectNode item = JsonNodeFactory.instance.objectNode();
            item.put("answer", WORD);
            out.add(new ReinforcementExample(List.of(ChatMessage.text("user", "Question number " + i + "?")), item));
        }
        return out;
    }

    @Test
    void explore() throws Exception {
        Path base = dir.resolve("tiny-chat");
        TinyModels.create(base, TinyModels.Kind.CHAT);
        try (var tok = dev.whetstone.engine.torch.tokenizer.HfTokenizer.load(base)) {
            for (String w : List.of("Xbox", " Xbox", "yes", " yes", "the", " the", "help", " help", "console", " console", "account", "Hello", "OK", "sure"))
                System.out.println("tok '" + w + "' " + java.util.Arrays.toString(tok.encode(w, false)));
        }
        java.util.concurrent.atomic.AtomicInteger shown = new java.util.concurrent.atomic.AtomicInteger();
        RewardFunction rewards = (answer, item) -> {
            if (shown.getAndIncrement() % 16 == 0) System.out.println("answer: " + answer.replace('\n', ' '));
            return answer.contains(System.getProperty("word", WORD)) ? 1 : 0;
        };
        TrainingSpec.Hyperparameters hp = new TrainingSpec.Hyperparameters(Integer.getInteger("ep", 4), Integer.getInteger("bs", 2), Double.valueOf(System.getProperty("lrm", "1.0")), null,
                new TrainingSpec.Reinforcement("{}", 5, 4, Double.valueOf(System.getProperty("cm", "1.0")), null));
        RecordingListener l = new RecordingListener(n -> Control.CONTINUE);
        long t0 = System.nanoTime();
        TrainingOutcome o = new TorchTrainer(new TokenizerExampleEncoders(), TrainingFixtures.options()).train(
                new TrainingSpec(base, null, prompts(8, 0), prompts(4, 100), hp, TrainingSpec.Method.LORA, 3,
                        dir.resolve("work"), rewards), l);
        for (StepMetrics m : l.steps) {
            System.out.printf("step %d loss %.4f reward %.3f valid %s kl %.5f len %.1f%n", m.step(), m.trainLoss(),
                    m.trainRewardMean(), m.validRewardMean(), m.trainKl(), m.trainAnswerLength());
        }
        System.out.println("seconds " + (System.nanoTime() - t0) / 1e9 + " " + o.hyperparameters());
    }
}
