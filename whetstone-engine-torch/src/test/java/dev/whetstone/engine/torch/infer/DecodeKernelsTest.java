package dev.whetstone.engine.torch.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.kernel.RowProducts;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.ModelTolerances;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decode steps through the decode kernels (whole host steps for the Llama family, the kernels inside libtorch's step
 * for the others) against the same steps through libtorch alone,
 * on a batch of three rows with two different adapters and one bare row (LoRA added per row by the kernels),
 * prefilled by libtorch in both. Both compute the same sums in another order and round the projections' outputs
 * to the compute dtype, so they agree within {@link Tolerances#rounding} of that dtype over the forward pass's
 * reduction chain (in bf16 that bound is loose — docs/testing.md, "Where bf16 is not compared" — so the fp32 case
 * carries the comparison; each dtype's products are checked tightly against float64 in RowProductsTest).
 */
@ExtendWith(PinnedThreads.class)
class DecodeKernelsTest {
    private static final long FORWARD_OPS = ModelTolerances.forwardOps(InferFixtures.spec(TinyModelFactory.Arch.LLAMA));
    private static final int[][] PROMPTS = {{5, 80, 300, 41, 7, 99, 12}, {17, 3}, {250, 251, 252, 9, 60}};
    private static final int STEPS = 6;

    @TempDir Path dir;

    /**
     * Llama and Qwen2 (q/k/v biases) decode on the host ({@link dev.whetstone.engine.torch.model.HostDecoder}: the
     * LoRA deltas and biases added in the products' epilogues), with the 3-row batch's products on the kernels or
     * (torchFromRows 2) through libtorch's GEMM; Gemma 2 through libtorch's step with the decode kernels serving
     * its products.
     */
    @ParameterizedTest
    @CsvSource({"LLAMA,FP32,host,0", "LLAMA,BF16,host,0", "QWEN2,FP32,host,0", "LLAMA,FP32,host,2",
            "QWEN2,BF16,host,2", "GEMMA2,FP32,decode kernels,0", "GEMMA2,BF16,decode kernels,0"})
    void kernelStepsWithMixedAdaptersEqualLibtorchSteps(TinyModelFactory.Arch arch, Precision precision, String path,
                                                         int torchFromRows) throws Exception {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        Path base = InferFixtures.model(dir.resolve("m"), arch, 4);
        Path a = InferFixtures.adapter(base, dir.resolve("a"), 1);
        Path b = InferFixtures.adapter(base, dir.resolve("b"), 2);
        float[][][] viaTorch = steps(base, a, b, precision, 0, "libtorch", 0);
        float[][][] viaKernels = steps(base, a, b, precision, 8, path, torchFromRows);
        double eps = ModelTolerances.eps(precision);
        for (int r = 0; r < PROMPTS.length; r++) {
            for (int s = 0; s < STEPS; s++) {
                double tol = Tolerances.rounding(eps, maxAbs(viaTorch[r][s]), FORWARD_OPS);
                assertThat(maxDiff(viaKernels[r][s], viaTorch[r][s])).as("%s row %d step %d", precision, r, s)
                        .isLessThan(tol);
            }
        }
        assertThat(maxDiff(viaKernels[0][1], viaKernels[1][1])).as("rows differ").isGreaterThan(1e-3);
    }

    /**
     * Serving on a CPU without bf16 arithmetic ({@link LoadOptions#serving}): bf16 and int8 weights computed in fp32.
     * Prefill (libtorch, each weight widened per use) and the host steps (the kernels widen as they multiply) both
     * compute fp32 and keep fp32 keys and values. Over bf16 weights both read the very same weights: the two paths
     * agree to fp32's rounding, with adapters. Over int8, libtorch reads the dequantised weights rounded to bf16 and
     * the kernels q · scale: they agree to one bf16 rounding of the weights. Either way the result is not the
     * bf16-computed one (the cache and prefill's activations are not rounded to bf16).
     */
    @ParameterizedTest
    @CsvSource({"BF16", "INT8"})
    void bf16AndInt8WeightsComputedInFp32DecodeAsLibtorchDoes(Precision precision) throws Exception {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        Path base = InferFixtures.model(dir.resolve("m"), TinyModelFactory.Arch.LLAMA, 4);
        Path a = InferFixtures.adapter(base, dir.resolve("a"), 1);
        Path b = InferFixtures.adapter(base, dir.resolve("b"), 2);
        LoadOptions widened = new LoadOptions(precision, false, Precision.FP32);
        // int8: libtorch alone still quantises (prepareDecode), so both read the dequantised weights
        float[][][] viaTorch = steps(base, a, b, widened, 0, "libtorch", 0);
        float[][][] viaHost = steps(base, a, b, widened, 8, "host", 0);
        float[][][] computedInBf16 = steps(base, a, b, new LoadOptions(precision, false), 8, "host", 0);
        boolean differsFromBf16 = false;
        for (int r = 0; r < PROMPTS.length; r++) {
            for (int s = 0; s < STEPS; s++) {
                double tol = precision == Precision.INT8 ? Tolerances.bf16(maxAbs(viaTorch[r][s]), FORWARD_OPS)
                        : Tolerances.rounding(ModelTolerances.eps(Precision.FP32), maxAbs(viaTorch[r][s]), FORWARD_OPS);
                assertThat(maxDiff(viaHost[r][s], viaTorch[r][s])).as("%s row %d step %d", precision, r, s)
                        .isLessThan(tol);
                differsFromBf16 |= maxDiff(viaHost[r][s], computedInBf16[r][s]) > 0;
            }
        }
        assertThat(differsFromBf16).as("fp32 compute is not bf16 compute").isTrue();
    }

    /** Serving computes in fp32 over bf16 or int8 weights exactly where the CPU has no bf16 arithmetic. */
    @Test
    void servingWidensBf16AndInt8OnlyWhereTheCpuHasNoBf16Arithmetic() {
        Precision expected = Precision.cpuHasNativeBf16() ? null : Precision.FP32;
        for (Precision p : new Precision[] {Precision.BF16, Precision.INT8}) {
            assertThat(LoadOptions.serving(p).compute()).as("%s", p).isEqualTo(expected == null ? p : expected);
            assertThat(LoadOptions.serving(p).precision()).isEqualTo(p);
        }
        assertThat(LoadOptions.serving(Precision.FP32).compute()).isEqualTo(Precision.FP32);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LoadOptions(Precision.BF16, true, Precision.FP32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trainable");
    }

    /**
     * Measured at load (kernelRows −1) for 8 slots: host steps, the kernels' blocking for batches of 8+ rows, and
     * from how many rows libtorch's GEMM takes a batch's products (confirmed on whole 8-row steps where it won a
     * product), each with the timings it was chosen on.
     */
    @Test
    void theMeasuredDecodePathNamesItsChoicesAndTheirTimings() throws Exception {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        Path base = InferFixtures.model(dir.resolve("m"), TinyModelFactory.Arch.LLAMA, 4);
        try (NoGrad ng = NoGrad.enter();
             ModelStep step = new ModelStep(CausalLm.load(base, new LoadOptions(Precision.INT8, false)), null, 8, 64,
                     -1)) {
            assertThat(step.decodePath()).startsWith("host decode steps")
                    .containsPattern("batches in blocks of [48] rows \\(gate/up, 8 rows: blocks of 4 [0-9.]+, of 8 "
                            + "[0-9.]+ ms\\)")
                    .containsPattern("products (all on the kernels|of \\d+\\+ rows through libtorch) \\(gate/up: "
                            + "(\\d+ rows [0-9.]+ vs libtorch [0-9.]+ ms(, )?)+"
                            + "(; whole 8-row steps [0-9.]+ on the kernels vs [0-9.]+ ms)?\\)");
        }
    }

    /**
     * int8 serving: the kernels multiply by q (int8) and scale the row's sum; libtorch (kernels off) multiplies by the
     * dequantised weights q · scale rounded to bf16 — the same weights up to one bf16 rounding each, so the two
     * agree within bf16's rounding over the forward chain. A scale applied twice or not at all moves the logits by
     * orders of magnitude (q is up to 127, the weights about 0.05). int8 is also not bf16: the logits differ.
     */
    @Test
    void int8KernelStepsEqualLibtorchStepsOnTheDequantisedWeights() throws Exception {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        Path base = InferFixtures.model(dir.resolve("m"), TinyModelFactory.Arch.LLAMA, 4);
        float[][][] viaTorch = steps(base, null, null, Precision.INT8, 0, "libtorch", 0);
        float[][][] viaKernels = steps(base, null, null, Precision.INT8, 8, "host", 0);
        float[][][] bf16 = steps(base, null, null, Precision.BF16, 8, "host", 0);
        boolean differsFromBf16 = false;
        for (int r = 0; r < PROMPTS.length; r++) {
            for (int s = 0; s < STEPS; s++) {
                assertThat(maxDiff(viaKernels[r][s], viaTorch[r][s])).as("row %d step %d", r, s)
                        .isLessThan(Tolerances.bf16(maxAbs(viaTorch[r][s]), FORWARD_OPS));
                differsFromBf16 |= maxDiff(viaKernels[r][s], bf16[r][s]) > 0;
            }
        }
        assertThat(differsFromBf16).as("int8 weights are not bf16's").isTrue();
    }

    /**
     * Prefills PROMPTS into slots 0–2 (adapters a, none, b), then decodes STEPS steps of all three, feeding fixed
     * tokens (so both paths see the same inputs whatever their argmax).
     */
    /** @param torchFromRows host steps send products of this many rows or more through libtorch (0: none) */
    private static float[][][] steps(Path base, Path a, Path b, Precision precision, int kernelRows, String path,
                                     int torchFromRows) throws java.io.IOException {
        return steps(base, a, b, new LoadOptions(precision, false), kernelRows, path, torchFromRows);
    }

    private static float[][][] steps(Path base, Path a, Path b, LoadOptions options, int kernelRows, String path,
                                     int torchFromRows) throws java.io.IOException {
        try (NoGrad ng = NoGrad.enter();
             ModelStep step = new ModelStep(CausalLm.load(base, options), null, 3, 512, kernelRows)) {
            assertThat(step.decodePath()).startsWith(path);
            if (torchFromRows > 0) step.productsThroughLibtorchFrom(torchFromRows);
            CausalLm model = step.model();
            try (LoraWeights wa = a == null ? null : LoraWeights.load(a, model);
                 LoraWeights wb = b == null ? null : LoraWeights.load(b, model)) {
                LoraWeights[] adapters = {wa, null, wb};
                int v = model.config().vocabSize();
                float[][][] out = new float[PROMPTS.length][STEPS][];
                int[] last = new int[PROMPTS.length];
                long[] pos = new long[PROMPTS.length];
                for (int r = 0; r < PROMPTS.length; r++) {
                    out[r][0] = step.prefill(PROMPTS[r], r, adapters[r]);
                    last[r] = (31 * r + 7) % v;
                    pos[r] = PROMPTS[r].length;
                }
                for (int s = 1; s < STEPS; s++) {
                    float[] logits = step.decode(last.clone(), pos.clone(), adapters);
                    for (int r = 0; r < PROMPTS.length; r++) {
                        out[r][s] = java.util.Arrays.copyOfRange(logits, r * v, (r + 1) * v);
                        last[r] = (31 * r + 17 * s + 7) % v;
                        pos[r]++;
                    }
                }
                return out;
            }
        }
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static double maxDiff(float[] x, float[] y) {
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }
}
