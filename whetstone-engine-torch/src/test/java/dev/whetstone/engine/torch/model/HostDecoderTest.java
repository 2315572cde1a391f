package dev.whetstone.engine.torch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.TorchNatives;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import dev.whetstone.engine.torch.kernel.RowProducts;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decode steps on the host against the float64 forward pass of the whole sequence (libtorch in fp64, itself
 * checked against an independent formulation in CausalLmReferenceTest): two sequences of different lengths
 * prefilled by libtorch, then decoded together for more positions than the host cache first holds (it grows), a
 * slot move, and the survivor decoded alone. fp32 weights, so the host's fp32 arithmetic must agree within fp32
 * rounding over the forward pass's reduction chain; bf16 is bounded by bf16 rounding (the cache holds bf16 keys).
 */
@ExtendWith(PinnedThreads.class)
class HostDecoderTest {
    private static final int STEPS = 70;

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(value = TinyModelFactory.Arch.class, names = {"LLAMA", "QWEN2", "QWEN3", "MISTRAL", "SMOLLM3"})
    void hostStepsEqualTheFloat64ForwardOfTheWholeSequence(TinyModelFactory.Arch arch) throws Exception {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        for (Precision p : new Precision[] {Precision.FP32, Precision.BF16}) compare(arch, p);
    }

    @ParameterizedTest
    @EnumSource(value = TinyModelFactory.Arch.class, names = {"GPT2", "GEMMA2", "GEMMA3", "PHI3"})
    void otherBlocksAreLeftToLibtorch(TinyModelFactory.Arch arch) throws Exception {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        Path base = write(arch);
        try (CausalLm model = CausalLm.load(base, new LoadOptions(Precision.FP32, false))) {
            assertThat(HostDecoder.unsupportedReason(model)).isNotNull();
            assertThat(HostDecoder.create(model, 1, 64)).isNull();
        }
    }

    private void compare(TinyModelFactory.Arch arch, Precision precision) throws Exception {
        Path base = write(arch);
        TinyModelFactory.Spec spec = spec(arch);
        long ops = ModelTolerances.forwardOps(spec);
        double eps = ModelTolerances.eps(precision);
        int vocab = spec.vocabSize();
        SplittableRandom random = new SplittableRandom(arch.ordinal());
        int[][] seqs = {new int[7 + STEPS], new int[3 + STEPS]};
        for (int[] s : seqs) for (int i = 0; i < s.length; i++) s[i] = random.nextInt(vocab);
        int[] prompt = {7, 3};
        try (CausalLm model = CausalLm.load(base, new LoadOptions(precision, false));
             CausalLm reference = CausalLm.load(base, new LoadOptions(Precision.FP64, false));
             NoGrad g = NoGrad.enter();
             KvCache cache = new KvCache(model.config(), model.computeType(), 2, 16, 512)) {
            HostDecoder host = HostDecoder.create(model, 2, 512);
            assertThat(host).as("%s is a Llama-family block", arch).isNotNull();
            for (int r = 0; r < 2; r++) {
                try (PointerScope scope = new PointerScope()) {
                    long[] ids = Arrays.stream(seqs[r], 0, prompt[r]).asLongStream().toArray();
                    model.hiddenCached(Tensors.longs(ids, 1, ids.length), new long[] {0}, cache, r);
                }
                host.importSlot(cache, r, prompt[r]);
            }
            for (int s = 0; s < STEPS; s++) {
                boolean both = s < STEPS / 2;
                if (s == STEPS / 2) host.moveSlot(1, 0);                  // row 0 ends; row 1 takes slot 0
                int[] rows = both ? new int[] {0, 1} : new int[] {1};
                int[] tokens = new int[rows.length];
                long[] positions = new long[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    positions[i] = prompt[rows[i]] + s;
                    tokens[i] = seqs[rows[i]][(int) positions[i]];
                }
                float[] logits = host.step(tokens, positions);
                for (int i = 0; i < rows.length; i++) {
                    double[] expected = logits(reference, seqs[rows[i]], (int) positions[i] + 1);
                    float[] got = Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab);
                    double tol = Tolerances.rounding(eps, maxAbs(expected), ops);
                    assertThat(maxDiff(got, expected)).as("%s %s row %d step %d", arch, precision, rows[i], s)
                            .isLessThan(tol);
                }
            }
        }
    }

    /** fp64 logits of the last of the first {@code length} tokens, from the uncached forward pass. */
    private static double[] logits(CausalLm m, int[] seq, int length) {
        try (PointerScope scope = new PointerScope()) {
            long[] ids = Arrays.stream(seq, 0, length).asLongStream().toArray();
            Tensor h = m.hidden(Tensors.longs(ids, 1, length), null, null);
            return Tensors.toDoubles(m.logits(h.select(1, length - 1)));
        }
    }

    private Path write(TinyModelFactory.Arch arch) throws Exception {
        Path base = dir.resolve(arch.name());
        TorchNatives.prepare();
        TinyTokenizerFactory.write(base, TinyTokenizerFactory.Flavor.CHAT);
        TinyModelFactory.write(base, spec(arch), 5);
        return base;
    }

    private static TinyModelFactory.Spec spec(TinyModelFactory.Arch arch) {
        return new TinyModelFactory.Spec(arch, TinyTokenizerFactory.vocabSize(), 64, 2, 4, 2, 128, 512, true, null,
                arch == TinyModelFactory.Arch.LLAMA);
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static double maxDiff(float[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
