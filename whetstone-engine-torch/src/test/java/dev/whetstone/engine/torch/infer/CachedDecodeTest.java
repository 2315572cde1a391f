package dev.whetstone.engine.torch.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.lora.LoraModel;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.GreedyDecoder;
import dev.whetstone.engine.torch.model.ModelTolerances;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.RopeScaling;
import dev.whetstone.engine.torch.TorchNatives;
import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The KV-cached, batched forward path against the uncached reference (GreedyDecoder, the training forward). */
@ExtendWith(PinnedThreads.class)
class CachedDecodeTest {
    private static final long FORWARD_OPS = ModelTolerances.forwardOps(InferFixtures.spec(TinyModelFactory.Arch.LLAMA));
    private static final int[][] PROMPTS = {{5, 80, 300, 41, 7, 99, 12}, {17, 3}, {250, 251, 252, 253, 254, 9, 9, 9, 9, 9, 60}};

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(TinyModelFactory.Arch.class)
    void cachedGreedyDecodingEqualsTheUncachedDecoder(TinyModelFactory.Arch arch) throws Exception {
        Path base = InferFixtures.model(dir.resolve("m"), arch, 3);
        try (CausalLm model = CausalLm.load(base, InferFixtures.FP32); NoGrad ng = NoGrad.enter()) {
            ModelStep step = new ModelStep(model, 2, 512);
            for (int[] prompt : PROMPTS) {
                int[] expected = GreedyDecoder.generate(model, prompt, 40, List.of());
                int[] got = new int[40];
                got[0] = argmax(step.prefill(prompt, 1, null), 0, model.config().vocabSize());
                for (int i = 1; i < 40; i++) {
                    float[] logits = step.decode(new int[] {got[i - 1]}, new long[] {prompt.length + i - 1L},
                            new LoraWeights[1]);
                    got[i] = argmax(logits, 0, model.config().vocabSize());
                }
                assertThat(got).as("%s prompt %s", arch, Arrays.toString(prompt)).containsExactly(expected);
            }
        }
    }

    /**
     * Phi-3 longrope with a pre-training context of 16: every prompt's decoding passes position 16, where the
     * factors switch from short to long. transformers then recomputes the whole sequence with the long factors; the
     * cached decoder rebuilds the row's cache at that step (what the scheduler does), and the tokens equal the
     * uncached decoder's, which runs every sequence with the factors of its length. Without the rebuild the earlier
     * keys keep the short factors, and the tokens differ for at least one prompt.
     */
    @Test
    void phi3LongropeRebuildsTheCacheWhereTheFactorsSwitch() throws Exception {
        Path base = dir.resolve("phi3");
        TorchNatives.prepare();
        TinyTokenizerFactory.write(base, TinyTokenizerFactory.Flavor.CHAT);
        TinyModelFactory.write(base, new TinyModelFactory.Spec(TinyModelFactory.Arch.PHI3,
                TinyTokenizerFactory.vocabSize(), 64, 2, 4, 2, 128, 512, true,
                new RopeScaling("longrope", 0, 0, 0, 16), false), 3, TinyModelFactory.Init.FAN_IN);
        boolean anyDiffers = false;
        try (CausalLm model = CausalLm.load(base, InferFixtures.FP32); NoGrad ng = NoGrad.enter()) {
            int v = model.config().vocabSize();
            for (int[] prompt : PROMPTS) {
                int[] expected = GreedyDecoder.generate(model, prompt, 24, List.of());
                int[] rebuilt = new int[24];
                int[] stale = new int[24];
                for (boolean rebuild : new boolean[] {true, false}) {
                    ModelStep step = new ModelStep(model, 1, 512);
                    int[] got = rebuild ? rebuilt : stale;
                    int[] seq = Arrays.copyOf(prompt, prompt.length + 24);
                    got[0] = argmax(step.prefill(prompt, 0, null), 0, v);
                    seq[prompt.length] = got[0];
                    for (int i = 1; i < 24; i++) {
                        long pos = prompt.length + i - 1L;
                        if (rebuild && model.ropeSwitchesAt(pos)) {
                            step.rebuild(Arrays.copyOf(seq, (int) pos), 0, null, pos + 1);
                        }
                        got[i] = argmax(step.decode(new int[] {got[i - 1]}, new long[] {pos}, new LoraWeights[1]), 0, v);
                        seq[prompt.length + i] = got[i];
                    }
                }
                assertThat(rebuilt).as("prompt %s", Arrays.toString(prompt)).containsExactly(expected);
                anyDiffers |= !Arrays.equals(stale, expected);
            }
        }
        assertThat(anyDiffers).as("keys left with the short factors change some decoding").isTrue();
    }

    @Test
    void aBatchOfDifferentLengthsAndAdaptersEqualsEachRowAlone() throws Exception {
        Path base = InferFixtures.model(dir.resolve("m"), TinyModelFactory.Arch.LLAMA, 4);
        Path a = InferFixtures.adapter(base, dir.resolve("a"), 1);
        Path b = InferFixtures.adapter(base, dir.resolve("b"), 2);
        try (CausalLm model = CausalLm.load(base, InferFixtures.FP32); NoGrad ng = NoGrad.enter();
             LoraWeights wa = LoraWeights.load(a, model); LoraWeights wb = LoraWeights.load(b, model)) {
            int v = model.config().vocabSize();
            LoraWeights[] adapters = {wa, null, wb};
            int steps = 12;
            float[][][] alone = new float[3][][];
            ModelStep single = new ModelStep(model, 1, 512);
            for (int r = 0; r < 3; r++) alone[r] = run(single, List.of(PROMPTS[r]), new LoraWeights[] {adapters[r]}, steps, v)[0];
            ModelStep batched = new ModelStep(model, 3, 512);
            float[][][] together = run(batched, Arrays.asList(PROMPTS), adapters, steps, v);
            for (int r = 0; r < 3; r++) {
                for (int s = 0; s < steps; s++) {
                    // fp32; a batch of three sums the same terms as one row, in kernels of another shape
                    double tol = Tolerances.fp32(maxAbs(alone[r][s]), FORWARD_OPS);
                    assertThat(maxDiff(together[r][s], alone[r][s])).as("row %d step %d", r, s).isLessThan(tol);
                    assertSameArgmaxUnlessTied(together[r][s], alone[r][s], v, tol);
                }
            }
            assertThat(maxDiff(alone[0][0], alone[1][0])).as("the adapter changes the output").isGreaterThan(1e-3);
            // the adapter row equals the training path with the PEFT adapter attached (no cache)
            try (CausalLm reference = CausalLm.load(base, InferFixtures.FP32);
                 LoraModel lora = LoraModel.load(reference, a); PointerScope scope = new PointerScope()) {
                long[] ids = Arrays.stream(PROMPTS[0]).asLongStream().toArray();
                var h = reference.hidden(Tensors.longs(ids, 1, ids.length), null, null);
                float[] expected = Tensors.toFloats(reference.logits(h.select(1, ids.length - 1)));
                assertThat(maxDiff(alone[0][0], expected)).isLessThan(Tolerances.fp32(maxAbs(expected), FORWARD_OPS));
            }
        }
    }

    /** Prefills every prompt into slot r, then decodes greedily; returns logits [row][step][V]. */
    private static float[][][] run(ModelStep step, List<int[]> prompts, LoraWeights[] adapters, int steps, int v) {
        int n = prompts.size();
        float[][][] out = new float[n][steps][];
        int[] last = new int[n];
        for (int r = 0; r < n; r++) {
            out[r][0] = step.prefill(prompts.get(r), r, adapters[r]);
            last[r] = argmax(out[r][0], 0, v);
        }
        for (int s = 1; s < steps; s++) {
            long[] pos = new long[n];
            for (int r = 0; r < n; r++) pos[r] = prompts.get(r).length + s - 1L;
            float[] logits = step.decode(last, pos, adapters);
            for (int r = 0; r < n; r++) {
                out[r][s] = Arrays.copyOfRange(logits, r * v, (r + 1) * v);
                last[r] = argmax(out[r][s], 0, v);
            }
        }
        return out;
    }

    static int argmax(float[] logits, int offset, int v) {
        int best = offset;
        for (int i = offset; i < offset + v; i++) if (logits[i] > logits[best]) best = i;
        return best - offset;
    }

    /**
     * Greedy choices agree, except where the reference's two best logits are closer than the rounding tolerance:
     * there either token is a correct pick, and which one wins depends on the CPU's kernels.
     */
    private static void assertSameArgmaxUnlessTied(float[] got, float[] reference, int v, double tol) {
        int best = argmax(reference, 0, v);
        double runnerUp = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) if (i != best) runnerUp = Math.max(runnerUp, reference[i]);
        if (reference[best] - runnerUp > 2 * tol) assertThat(argmax(got, 0, v)).isEqualTo(best);
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float x : a) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
