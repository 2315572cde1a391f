package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.lora.LoraConfig;
import dev.whetstone.engine.torch.model.Architecture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A short fine-tune of each newer family's tiny model, with the family's default LoRA targets or all weights,
 * lowers the loss. The 10-token sentence is longer than the sliding window (4) of Mistral's and Gemma's tiny
 * models, so training runs through the windowed mask.
 */
class ArchitecturesLearningTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"QWEN3, LORA", "QWEN3, FULL", "MISTRAL, LORA", "MISTRAL, FULL", "GEMMA2, LORA", "GEMMA2, FULL",
            "GEMMA3, LORA", "GEMMA3, FULL", "SMOLLM3, LORA", "SMOLLM3, FULL", "PHI3, LORA", "PHI3, FULL"})
    void aShortRunLowersTheLoss(TinyModelFactory.Arch arch, TrainingSpec.Method method) throws Exception {
        Path base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, arch, 32, 5);
        Architecture family = Architecture.valueOf(arch.name());
        var options = TrainingFixtures.options().withLora(LoraConfig.defaults(family));
        // LoRA 5e-4 × 20 and full 2e-5 × 100: high rates, fine for memorising one sentence
        var hp = new TrainingSpec.Hyperparameters(6, 4, method == TrainingSpec.Method.LORA ? 20.0 : 100.0);
        RecordingListener l = new RecordingListener();
        TrainingOutcome out = FineTuneRun.run(TrainingFixtures.request(base, dir.resolve("work"),
                TrainingFixtures.repeated(8), List.of(), hp, method, options), l);
        assertThat(out.status()).isEqualTo(TrainingOutcome.Status.COMPLETED);
        List<Double> losses = l.losses();
        assertThat(losses).hasSize(12).allMatch(Double::isFinite);
        assertThat(losses.get(losses.size() - 1)).as("last loss vs first, %s", losses)
                .isLessThan(0.5 * losses.get(0));
    }
}
