package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Sequence packing changes how examples share rows, never what the model learns from them. */
@ExtendWith(PinnedThreads.class)
class PackingTest {
    @TempDir Path dir;

    @Test
    void firstFitDecreasingPutsEveryExampleInOneRowWithinTheLimit() {
        List<TokenizedExample> batch = TrainingFixtures.varied(20, 3);
        List<List<TokenizedExample>> rows = Packer.rows(batch, 24);

        assertThat(rows.stream().flatMap(List::stream).toList()).containsExactlyInAnyOrderElementsOf(batch);
        assertThat(rows).allSatisfy(r -> assertThat(Packer.rowLength(r, 24)).isLessThanOrEqualTo(24));
        int tokens = batch.stream().mapToInt(TokenizedExample::length).sum();
        assertThat(rows.size()).isLessThan(batch.size()).isLessThanOrEqualTo(tokens / 24 + 2);
        assertThat(Packer.rows(batch, 24)).isEqualTo(rows);
    }

    @Test
    void packedBatchGivesTheSameLossAsThePaddedOneForLlamaAndGpt2() throws Exception {
        for (TinyModelFactory.Arch arch : List.of(TinyModelFactory.Arch.LLAMA, TinyModelFactory.Arch.GPT2)) {
            Path model = dir.resolve(arch.name());
            TinyModelFactory.writeWeights(model, arch, 32, 5);
            List<TokenizedExample> batch = TrainingFixtures.varied(9, 11);
            LossStep.Stats padded = evaluate(model, b -> Batch.of(b, 64), batch);
            LossStep.Stats packed = evaluate(model, b -> Batch.packed(Packer.rows(b, 40), 64), batch);

            assertThat(packed.targets()).isEqualTo(padded.targets());
            assertThat(packed.correct()).isEqualTo(padded.correct());
            // fp64: the loss sums one log-softmax per target, each through the model's reductions
            assertThat(packed.lossSum()).isCloseTo(padded.lossSum(),
                    within(Tolerances.fp64(padded.lossSum(), TrainingFixtures.FORWARD_OPS * padded.targets())));
        }
    }

    /**
     * Two training runs that differ only in how rows are laid out sum in different orders, so their curves drift
     * apart by rounding: tight at the first step (same weights), a bound growing with the steps after it ({@link
     * Tolerances#trajectory}). The frozen base is pinned to fp32 by the fixtures: on a CPU with native bf16 it would
     * otherwise be bf16, whose rounding (eps 7.8e-3 on each per-token loss) is as large as what a wrong mask does to
     * this tiny model's loss (≈1 %), so a bf16 comparison could not tell a bug from rounding. The layout logic is the
     * same in every dtype; the fp64 test above checks one step exactly.
     */
    @Test
    void trainingWithPackingFollowsTheSameLossCurve() throws Exception {
        Path model = dir.resolve("llama");
        TinyModelFactory.writeWeights(model, TinyModelFactory.Arch.LLAMA, 32, 5);
        List<TokenizedExample> data = TrainingFixtures.varied(24, 7);
        TrainingSpec.Hyperparameters hp = new TrainingSpec.Hyperparameters(4, 8, 10.0);   // 12 steps of 8 examples
        List<Double> padded = losses(model, data, hp, TrainingFixtures.options(), "padded");
        List<Double> packed = losses(model, data, hp, TrainingFixtures.options().withPacking(true), "packed");

        assertThat(packed).hasSameSizeAs(padded);
        double firstStep = Tolerances.fp32(padded.get(0), TrainingFixtures.FORWARD_OPS);
        for (int i = 0; i < padded.size(); i++) {
            assertThat(packed.get(i)).as("step %d", i + 1)
                    .isCloseTo(padded.get(i), within(Tolerances.trajectory(firstStep, i)));
        }
        // and it is training, not two runs that leave the model alone: the last epoch's loss is below the first's
        double first = padded.subList(0, 3).stream().mapToDouble(d -> d).sum();
        double last = padded.subList(9, 12).stream().mapToDouble(d -> d).sum();
        assertThat(last).isLessThan(first);
    }

    private static LossStep.Stats evaluate(Path model, Function<List<TokenizedExample>, Batch> batcher,
                                           List<TokenizedExample> batch) throws Exception {
        try (CausalLm m = CausalLm.load(model, new LoadOptions(Precision.FP64, false));
             Trainable.Full t = new Trainable.Full(m, null); PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            return LossStep.evaluate(t, batcher.apply(batch));
        }
    }

    private List<Double> losses(Path model, List<TokenizedExample> data, TrainingSpec.Hyperparameters hp,
                                TrainingOptions o, String name) throws Exception {
        RecordingListener listener = new RecordingListener();
        FineTuneRun.run(TrainingFixtures.request(model, dir.resolve(name), data, List.of(), hp,
                TrainingSpec.Method.LORA, o), listener);
        List<Double> out = new ArrayList<>();
        listener.steps.forEach(m -> out.add(m.trainLoss()));
        return out;
    }
}
