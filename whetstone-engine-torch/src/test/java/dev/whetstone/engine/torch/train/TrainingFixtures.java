package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.lora.LoraConfig;
import dev.whetstone.engine.torch.model.Architecture;
import dev.whetstone.engine.torch.model.ModelTolerances;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Small data and settings shared by the training tests. */
final class TrainingFixtures {
    /** A fixed 10-token "sentence" over a 32-token vocabulary. */
    static final int[] SEQUENCE = {1, 5, 9, 13, 17, 21, 25, 29, 3, 2};

    /**
     * The rounded reductions a loss of the tests' tiny Llama passes ({@link ModelTolerances#forwardOps}).
     */
    static final long FORWARD_OPS = ModelTolerances.forwardOps(
            TinyModelFactory.Spec.tiny(TinyModelFactory.Arch.LLAMA, 32));

    private TrainingFixtures() {}

    /** Copies of SEQUENCE, every token after the first one trained. */
    static List<TokenizedExample> repeated(int copies) {
        boolean[] mask = new boolean[SEQUENCE.length];
        for (int i = 1; i < mask.length; i++) mask[i] = true;
        return new ArrayList<>(Collections.nCopies(copies, new TokenizedExample(SEQUENCE.clone(), mask, false)));
    }

    /** Random-ish examples of varied lengths with a prompt part that is not trained. */
    static List<TokenizedExample> varied(int count, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = 4 + r.nextInt(12);
            int[] ids = new int[n];
            boolean[] mask = new boolean[n];
            for (int j = 0; j < n; j++) {
                ids[j] = 3 + r.nextInt(29);
                mask[j] = j >= n / 2;
            }
            out.add(new TokenizedExample(ids, mask, false));
        }
        return out;
    }

    /**
     * Threads and the precisions pinned, so a run computes the same way on every CPU (docs/testing.md): without the
     * pins LoRA runs would use a bf16 base, and full fine-tuning mixed precision, only where the CPU has native bf16.
     */
    static TrainingOptions options() {
        return TrainingOptions.defaults().withThreads(PinnedThreads.THREADS).withFrozenPrecision(Precision.FP32)
                .withFullPrecision(Precision.FP32)
                .withValidEvery(2)
                .withLora(new LoraConfig(8, 16, 0.0, LoraConfig.targets(Architecture.LLAMA, true), false));
    }

    static FineTuneRequest request(Path base, Path work, List<TokenizedExample> train, List<TokenizedExample> valid,
                                   TrainingSpec.Hyperparameters hp, TrainingSpec.Method method, TrainingOptions o) {
        return new FineTuneRequest(base, null, train, valid, hp, method, 17, work, o);
    }
}
