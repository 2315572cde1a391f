package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.lora.LoraModel;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.GreedyDecoder;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training a tiny random Llama on one repeated sentence makes it learn the sentence. */
class LearningTest {
    @TempDir Path dir;

    @Test
    void loraLearnsTheSentenceAndGreedyDecodingReproducesIt() throws Exception {
        Path base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, TinyModelFactory.Arch.LLAMA, 32, 5);
        RecordingListener l = new RecordingListener();
        // LoRA base rate 1e-3 × 10 = 1e-2: a high rate, fine for memorising one sentence in few steps.
        var hp = new TrainingSpec.Hyperparameters(25, 4, 10.0);
        TrainingOutcome out = FineTuneRun.run(TrainingFixtures.request(base, dir.resolve("work"),
                TrainingFixtures.repeated(8), List.of(), hp, TrainingSpec.Method.LORA, TrainingFixtures.options()), l);

        assertThat(out.status()).isEqualTo(TrainingOutcome.Status.COMPLETED);
        assertThat(l.steps).hasSize(50);
        assertThat(l.losses().get(0)).isGreaterThan(3.0);              // ≈ ln 32 for a random model
        assertThat(l.losses().get(49)).isLessThan(0.1);
        assertThat(l.steps.get(49).trainMeanTokenAccuracy()).isEqualTo(1.0);
        assertThat(out.modelDir()).isEqualTo(l.checkpoints.get(l.checkpoints.size() - 1).dir());
        try (CausalLm m = CausalLm.load(base, LoadOptions.frozen()); LoraModel a = LoraModel.load(m, out.modelDir())) {
            int[] s = TrainingFixtures.SEQUENCE;
            int[] generated = GreedyDecoder.generate(m, new int[] {s[0]}, 20, List.of(2));
            assertThat(generated).containsExactly(Arrays.copyOfRange(s, 1, s.length));
        }
    }

    @Test
    void fullFineTuningLearnsTheSentenceToo() throws Exception {
        Path base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, TinyModelFactory.Arch.GPT2, 32, 5);
        RecordingListener l = new RecordingListener();
        var hp = new TrainingSpec.Hyperparameters(20, 4, 100.0);         // full base 2e-5 × 100 = 2e-3
        TrainingOutcome out = FineTuneRun.run(TrainingFixtures.request(base, dir.resolve("work"),
                TrainingFixtures.repeated(8), List.of(), hp, TrainingSpec.Method.FULL, TrainingFixtures.options()), l);
        assertThat(l.losses().get(39)).isLessThan(0.1);
        try (CausalLm m = CausalLm.load(out.modelDir(), LoadOptions.frozen())) {
            int[] s = TrainingFixtures.SEQUENCE;
            assertThat(GreedyDecoder.generate(m, new int[] {s[0]}, 20, List.of(2)))
                    .containsExactly(Arrays.copyOfRange(s, 1, s.length));
        }
    }

    /** Mixed precision (bf16 products over fp32 masters) learns as fp32 does (GPT-2: biases, LayerNorm, positions). */
    @Test
    void mixedPrecisionFullFineTuningLearnsTheSentenceToo() throws Exception {
        Path base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, TinyModelFactory.Arch.GPT2, 32, 5);
        RecordingListener l = new RecordingListener();
        var hp = new TrainingSpec.Hyperparameters(20, 4, 100.0);         // full base 2e-5 × 100 = 2e-3
        TrainingOutcome out = FineTuneRun.run(TrainingFixtures.request(base, dir.resolve("work"),
                TrainingFixtures.repeated(8), List.of(), hp, TrainingSpec.Method.FULL,
                TrainingFixtures.options().withFullPrecision(Precision.BF16)), l);
        assertThat(l.losses().get(39)).isLessThan(0.1);
        try (CausalLm m = CausalLm.load(out.modelDir(), new LoadOptions(Precision.FP32, false))) {
            int[] s = TrainingFixtures.SEQUENCE;
            assertThat(GreedyDecoder.generate(m, new int[] {s[0]}, 20, List.of(2)))
                    .containsExactly(Arrays.copyOfRange(s, 1, s.length));
        }
    }
}
