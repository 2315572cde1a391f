package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingListener.Control;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.lora.LoraConfig;
import dev.whetstone.engine.torch.model.Architecture;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same inputs, same numbers: repeated runs, interrupted-and-resumed runs, and any micro-batch split. */
class ReproducibilityTest {
    private static final TrainingSpec.Hyperparameters HP = new TrainingSpec.Hyperparameters(2, 4, 2.0);   // LoRA 1e-3

    @TempDir Path dir;
    private Path base;

    @BeforeEach
    void model() throws Exception {
        base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, TinyModelFactory.Arch.LLAMA, 32, 5);
    }

    /** LoRA with dropout, so the per-step dropout stream is part of what must repeat. */
    private static TrainingOptions options() {
        return TrainingFixtures.options()
                .withLora(new LoraConfig(8, 16, 0.1, LoraConfig.targets(Architecture.LLAMA, false), false));
    }

    private RecordingListener run(String work, TrainingSpec.Method method, TrainingOptions o, Control at, int step)
            throws Exception {
        RecordingListener l = new RecordingListener(n -> n == step ? at : Control.CONTINUE);
        FineTuneRun.run(TrainingFixtures.request(base, dir.resolve(work), TrainingFixtures.varied(22, 1),
                TrainingFixtures.varied(5, 2), HP, method, o), l);
        return l;
    }

    private static List<List<Object>> numbers(List<StepMetrics> steps) {
        return steps.stream().map(m -> List.<Object>of(m.step(), m.trainLoss(), m.trainMeanTokenAccuracy(),
                String.valueOf(m.validLoss()), String.valueOf(m.fullValidLoss()), m.tokensSeen())).toList();
    }

    @Test
    void twoRunsGiveIdenticalMetricsAndAdapters() throws Exception {
        RecordingListener a = run("a", TrainingSpec.Method.LORA, options(), Control.CONTINUE, -1);
        RecordingListener b = run("b", TrainingSpec.Method.LORA, options(), Control.CONTINUE, -1);
        assertThat(a.steps).hasSize(12);
        assertThat(numbers(b.steps)).isEqualTo(numbers(a.steps));
        assertThat(a.losses().get(11)).isLessThan(a.losses().get(0));
        assertThat(Files.readAllBytes(a.checkpoints.get(1).dir().resolve("adapter_model.safetensors")))
                .isEqualTo(Files.readAllBytes(b.checkpoints.get(1).dir().resolve("adapter_model.safetensors")));
    }

    @Test
    void aPausedAndResumedLoraRunEndsExactlyLikeAnUninterruptedOne() throws Exception {
        RecordingListener whole = run("whole", TrainingSpec.Method.LORA, options(), Control.CONTINUE, -1);
        RecordingListener first = run("split", TrainingSpec.Method.LORA, options(), Control.PAUSE, 4);
        assertThat(first.steps).hasSize(4);
        RecordingListener second = run("split", TrainingSpec.Method.LORA, options(), Control.CONTINUE, -1);
        assertThat(second.plans.get(0).startStep()).isEqualTo(4);
        assertThat(numbers(second.steps)).isEqualTo(numbers(whole.steps.subList(4, 12)));
        assertThat(Files.readAllBytes(second.checkpoints.get(second.checkpoints.size() - 1).dir()
                .resolve("adapter_model.safetensors"))).isEqualTo(Files.readAllBytes(
                whole.checkpoints.get(1).dir().resolve("adapter_model.safetensors")));
    }

    /**
     * What a worker on another machine relies on (docs/architecture.md, "Artifacts"): the announced resume folder,
     * copied alone into an empty work folder elsewhere, continues the run exactly.
     */
    @Test
    void theAnnouncedResumeFolderAloneContinuesTheRunInAnotherWorkFolder() throws Exception {
        RecordingListener whole = run("whole", TrainingSpec.Method.LORA, options(), Control.CONTINUE, -1);
        RecordingListener first = run("machine-a", TrainingSpec.Method.LORA, options(), Control.PAUSE, 4);
        assertThat(first.resumePoints).hasSize(1);
        assertThat(first.resumePoints.getFirst().getKey()).isEqualTo(dir.resolve("machine-a").resolve(
                dev.whetstone.engine.Trainer.RESUME_FOLDER));
        assertThat(first.resumePoints.getFirst().getValue()).isEqualTo(4);
        Path target = Files.createDirectories(dir.resolve("machine-b").resolve(dev.whetstone.engine.Trainer.RESUME_FOLDER));
        try (var files = Files.list(first.resumePoints.getFirst().getKey())) {
            for (Path f : files.toList()) Files.copy(f, target.resolve(f.getFileName()));
        }
        RecordingListener second = run("machine-b", TrainingSpec.Method.LORA, options(), Control.CONTINUE, -1);
        assertThat(second.plans.get(0).startStep()).isEqualTo(4);
        assertThat(numbers(second.steps)).isEqualTo(numbers(whole.steps.subList(4, 12)));
        // epoch ends announce a resume point after their checkpoint: steps 6 and 12
        assertThat(second.resumePoints).extracting(java.util.Map.Entry::getValue).containsExactly(6, 12);
        assertThat(Files.readAllBytes(second.checkpoints.getLast().dir().resolve("adapter_model.safetensors")))
                .isEqualTo(Files.readAllBytes(whole.checkpoints.get(1).dir().resolve("adapter_model.safetensors")));
    }

    @Test
    void aPausedAndResumedFullRunEndsExactlyLikeAnUninterruptedOne() throws Exception {
        RecordingListener whole = run("whole", TrainingSpec.Method.FULL, options(), Control.CONTINUE, -1);
        run("split", TrainingSpec.Method.FULL, options(), Control.PAUSE, 7);
        RecordingListener second = run("split", TrainingSpec.Method.FULL, options(), Control.CONTINUE, -1);
        assertThat(numbers(second.steps)).isEqualTo(numbers(whole.steps.subList(7, 12)));
    }

    @Test
    void aPausedAndResumedMixedPrecisionFullRunEndsExactlyLikeAnUninterruptedOne() throws Exception {
        TrainingOptions mixed = options().withFullPrecision(Precision.BF16);
        RecordingListener whole = run("whole", TrainingSpec.Method.FULL, mixed, Control.CONTINUE, -1);
        RecordingListener again = run("again", TrainingSpec.Method.FULL, mixed, Control.CONTINUE, -1);
        run("split", TrainingSpec.Method.FULL, mixed, Control.PAUSE, 7);
        RecordingListener second = run("split", TrainingSpec.Method.FULL, mixed, Control.CONTINUE, -1);
        assertThat(numbers(again.steps)).isEqualTo(numbers(whole.steps));
        assertThat(numbers(second.steps)).isEqualTo(numbers(whole.steps.subList(7, 12)));
    }

    @Test
    void mixedPrecisionFollowsTheFp32TrajectoryWithinBf16Rounding() throws Exception {
        RecordingListener fp32 = run("fp32", TrainingSpec.Method.FULL, options(), Control.CONTINUE, -1);
        RecordingListener bf16 = run("bf16", TrainingSpec.Method.FULL, options().withFullPrecision(Precision.BF16),
                Control.CONTINUE, -1);
        assertThat(bf16.steps).hasSameSizeAs(fp32.steps);
        // the same fp32 masters and optimizer; activations and products rounded to bf16 (8 significant bits)
        double firstStep = Tolerances.bf16(fp32.steps.get(0).trainLoss(), TrainingFixtures.FORWARD_OPS);
        for (int i = 0; i < fp32.steps.size(); i++) {
            assertThat(bf16.steps.get(i).trainLoss()).as("step %d", i + 1)
                    .isCloseTo(fp32.steps.get(i).trainLoss(), within(Tolerances.trajectory(firstStep, i)));
        }
        assertThat(bf16.steps.get(0).trainLoss()).isNotEqualTo(fp32.steps.get(0).trainLoss());  // it did run in bf16
    }

    @Test
    void splittingBatchesIntoMicroBatchesChangesOnlyRounding() throws Exception {
        RecordingListener one = run("one", TrainingSpec.Method.FULL, options(), Control.CONTINUE, -1);
        // a budget so small that every sequence becomes its own micro-batch
        RecordingListener many = run("many", TrainingSpec.Method.FULL, options().withActivationMemory(1), Control.CONTINUE, -1);
        assertThat(many.steps).hasSameSizeAs(one.steps);
        // full fine-tuning is fp32 on every CPU; the accumulated gradients differ by summation order only
        double firstStep = Tolerances.fp32(one.steps.get(0).trainLoss(), TrainingFixtures.FORWARD_OPS);
        for (int i = 0; i < one.steps.size(); i++) {
            assertThat(many.steps.get(i).trainLoss()).as("step %d", i + 1)
                    .isCloseTo(one.steps.get(i).trainLoss(), within(Tolerances.trajectory(firstStep, i)));
        }
    }

    @Test
    void cancelStopsAtTheNextStepBoundary() throws Exception {
        RecordingListener l = new RecordingListener(n -> n == 3 ? Control.CANCEL : Control.CONTINUE);
        TrainingOutcome out = FineTuneRun.run(TrainingFixtures.request(base, dir.resolve("c"),
                TrainingFixtures.varied(22, 1), List.of(), HP, TrainingSpec.Method.LORA, options()), l);
        assertThat(out.status()).isEqualTo(TrainingOutcome.Status.CANCELLED);
        assertThat(out.modelDir()).isNull();
        assertThat(l.steps).hasSize(3);
        assertThat(out.trainedTokens()).isEqualTo(l.steps.get(2).tokensSeen());
    }
}
