package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.data.PromptCompletionExample;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.engine.TrainingException;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.lora.PeftFiles;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Trainer port: API examples in, tokenized by the given encoder, trained, an adapter out. */
class TorchTrainerTest {
    @TempDir Path dir;

    /** One token per character (mod 30, offset 2): enough to exercise the port without a real tokenizer. */
    private static ExampleEncoder charEncoder(int maxLength) {
        return example -> {
            PromptCompletionExample p = (PromptCompletionExample) example;
            String text = p.prompt() + p.completion();
            int n = Math.min(text.length(), maxLength);
            int[] ids = new int[n];
            boolean[] mask = new boolean[n];
            for (int i = 0; i < n; i++) {
                ids[i] = 2 + text.charAt(i) % 30;
                mask[i] = i >= p.prompt().length();
            }
            return new TokenizedExample(ids, mask, n < text.length());
        };
    }

    @Test
    void trainsFromApiExamplesAndReportsResolvedHyperparameters() throws Exception {
        Path base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, TinyModelFactory.Arch.LLAMA, 32, 1);
        TorchTrainer trainer = new TorchTrainer((modelDir, max) -> charEncoder(max), TrainingFixtures.options());
        List<TrainingExample> train = Collections.nCopies(12, new PromptCompletionExample("2+2=", "4"));
        RecordingListener l = new RecordingListener();
        TrainingOutcome out = trainer.train(new TrainingSpec(base, null, train, List.of(),
                TrainingSpec.Hyperparameters.auto(), TrainingSpec.Method.LORA, 3, dir.resolve("work")), l);
        assertThat(out.status()).isEqualTo(TrainingOutcome.Status.COMPLETED);
        assertThat(out.hyperparameters().nEpochs()).isEqualTo(9);        // 12 examples → ≥ 100 example-epochs
        assertThat(out.hyperparameters().batchSize()).isEqualTo(1);
        assertThat(l.plans.get(0).totalSteps()).isEqualTo(108);
        assertThat(out.trainedTokens()).isEqualTo(12L * 5 * 9);
        assertThat(PeftFiles.isAdapterDir(out.modelDir())).isTrue();
        assertThat(l.checkpoints).hasSize(9);                              // one per epoch
        try (var kept = java.nio.file.Files.list(dir.resolve("work/checkpoints"))) {
            // The engine deletes none: pruning is the job's (CheckpointKeeper), so records and folders agree.
            assertThat(kept.map(p -> p.getFileName().toString())).hasSize(9).contains("step-12", "step-108");
        }
    }

    @Test
    void encodingFailuresNameTheFileAndExample() throws Exception {
        Path base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, TinyModelFactory.Arch.LLAMA, 32, 1);
        TorchTrainer trainer = new TorchTrainer((modelDir, max) -> e -> {
            throw new IllegalArgumentException("no chat template");
        }, TrainingFixtures.options());
        assertThatThrownBy(() -> trainer.train(new TrainingSpec(base, null,
                List.of(new PromptCompletionExample("a", "b")), List.of(), TrainingSpec.Hyperparameters.auto(),
                TrainingSpec.Method.LORA, 1, dir.resolve("w")), new RecordingListener()))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("example 1 of the training file").hasMessageContaining("no chat template")
                .extracting(e -> ((TrainingException) e).param()).isEqualTo("training_file");
    }
}
