package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.lora.LoraModel;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second job starts from the first one's result, for LoRA (merged, then stacked) and full fine-tuning. */
class ContinuousFineTuningTest {
    private static final TrainingSpec.Hyperparameters HP = new TrainingSpec.Hyperparameters(3, 4, 10.0);   // LoRA 5e-3

    @TempDir Path dir;

    private TrainingOutcome run(Path base, Path init, String work, TrainingSpec.Method method, RecordingListener l)
            throws Exception {
        return FineTuneRun.run(new FineTuneRequest(base, init, TrainingFixtures.repeated(8), List.of(), HP, method, 3,
                dir.resolve(work), TrainingFixtures.options()), l);
    }

    @Test
    void aLoraJobContinuesFromAnAdapterAndSavesOneAdapterForTheOriginalBase() throws Exception {
        Path base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, TinyModelFactory.Arch.LLAMA, 32, 5);
        RecordingListener first = new RecordingListener();
        TrainingOutcome one = run(base, null, "one", TrainingSpec.Method.LORA, first);
        RecordingListener second = new RecordingListener();
        TrainingOutcome two = run(base, one.modelDir(), "two", TrainingSpec.Method.LORA, second);
        double endOfFirst = first.losses().get(first.losses().size() - 1);
        assertThat(second.losses().get(0)).isLessThan(first.losses().get(0)).isCloseTo(endOfFirst,
                org.assertj.core.data.Offset.offset(0.05 * first.losses().get(0)));
        try (CausalLm m = CausalLm.load(base, LoadOptions.frozen()); LoraModel stacked = LoraModel.load(m, two.modelDir())) {
            assertThat(stacked.config().rank()).isEqualTo(16);                // 8 + 8
        }
    }

    @Test
    void aFullJobContinuesFromAFullCheckpoint() throws Exception {
        Path base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, TinyModelFactory.Arch.GPT2, 32, 5);
        RecordingListener first = new RecordingListener();
        TrainingOutcome one = run(base, null, "one", TrainingSpec.Method.FULL, first);
        RecordingListener second = new RecordingListener();
        run(base, one.modelDir(), "two", TrainingSpec.Method.FULL, second);
        assertThat(second.losses().get(0)).isLessThan(first.losses().get(0));
    }
}
