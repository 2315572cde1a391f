package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingListener.Control;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.lora.LoraConfig;
import dev.whetstone.engine.torch.model.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DPO on the shared loop: the reference is the starting weights (so the first step's loss is exactly log 2 and no
 * pair is preferred yet), training separates the pairs, and a paused and resumed run ends exactly like an
 * uninterrupted one, reward metrics included.
 */
class DpoTrainingTest {
    /** 2 epochs of 22 pairs at batch 4 (6 steps an epoch); beta 0.5; LoRA DPO rate 10 × 5e-5. */
    private static final TrainingSpec.Hyperparameters HP = new TrainingSpec.Hyperparameters(2, 4, 10.0,
            new TrainingSpec.Dpo(0.5, null));

    @TempDir Path dir;
    private Path base;

    @BeforeEach
    void model() throws Exception {
        base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, TinyModelFactory.Arch.LLAMA, 32, 5);
    }

    private static TrainingOptions options() {
        return TrainingFixtures.options()
                .withLora(new LoraConfig(8, 16, 0.1, LoraConfig.targets(Architecture.LLAMA, false), false));
    }

    /** Pairs of two different random sequences: the first preferred. */
    private static List<TokenizedExample> pairs(int count, long seed) {
        List<TokenizedExample> preferred = TrainingFixtures.varied(count, seed);
        List<TokenizedExample> rejected = TrainingFixtures.varied(count, seed + 100);
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(TokenizedExample.pair(preferred.get(i), rejected.get(i)));
        return out;
    }

    private RecordingListener run(String work, TrainingSpec.Method method, Control at, int step) throws Exception {
        RecordingListener l = new RecordingListener(n -> n == step ? at : Control.CONTINUE);
        FineTuneRun.run(TrainingFixtures.request(base, dir.resolve(work), pairs(22, 1), pairs(5, 2), HP, method,
                options()), l);
        return l;
    }

    private static List<List<Object>> numbers(List<StepMetrics> steps) {
        return steps.stream().map(m -> List.<Object>of(m.step(), m.trainLoss(), m.trainMeanTokenAccuracy(),
                m.trainRewardAccuracy(), m.trainRewardMargin(), String.valueOf(m.validRewardAccuracy()),
                String.valueOf(m.validRewardMargin()), m.tokensSeen())).toList();
    }

    @Test
    void loraDpoStartsAtTheReferenceAndSeparatesThePairs() throws Exception {
        RecordingListener l = run("lora", TrainingSpec.Method.LORA, Control.CONTINUE, -1);
        assertThat(l.steps).hasSize(12);
        StepMetrics first = l.steps.getFirst();
        // adapters start with B = 0: policy and reference (adapters off) agree exactly, so z = 0 for every pair
        assertThat(first.trainLoss()).isEqualTo(Math.log(2));
        assertThat(first.trainRewardMargin()).isZero();
        assertThat(first.trainRewardAccuracy()).isZero();
        StepMetrics last = l.steps.getLast();
        assertThat(last.trainLoss()).isLessThan(Math.log(2));
        assertThat(last.trainRewardMargin()).isPositive();
        assertThat(last.trainRewardAccuracy()).isGreaterThan(0.5);
        assertThat(last.validRewardAccuracy()).isNotNull();
        // tokens count both sequences of each pair
        long tokens = pairs(22, 1).stream().mapToLong(TokenizedExample::tokens).sum();
        assertThat(l.steps.get(5).tokensSeen()).isEqualTo(tokens);
    }

    @Test
    void fullDpoStartsAtItsFrozenReference() throws Exception {
        RecordingListener l = run("full", TrainingSpec.Method.FULL, Control.CONTINUE, -1);
        // the frozen copy is loaded in the policy's precision: same weights, same arithmetic, z = 0
        assertThat(l.steps.getFirst().trainLoss()).isCloseTo(Math.log(2), within(1e-9));
        assertThat(l.steps.getLast().trainRewardMargin()).isPositive();
    }

    @Test
    void aPausedAndResumedDpoRunEndsExactlyLikeAnUninterruptedOne() throws Exception {
        RecordingListener whole = run("whole", TrainingSpec.Method.LORA, Control.CONTINUE, -1);
        RecordingListener first = run("split", TrainingSpec.Method.LORA, Control.PAUSE, 4);
        assertThat(first.steps).hasSize(4);
        RecordingListener second = run("split", TrainingSpec.Method.LORA, Control.CONTINUE, -1);
        assertThat(second.plans.getFirst().startStep()).isEqualTo(4);
        assertThat(numbers(second.steps)).isEqualTo(numbers(whole.steps.subList(4, 12)));
        assertThat(Files.readAllBytes(second.checkpoints.getLast().dir().resolve("adapter_model.safetensors")))
                .isEqualTo(Files.readAllBytes(whole.checkpoints.get(1).dir().resolve("adapter_model.safetensors")));
    }
}
