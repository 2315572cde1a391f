package dev.whetstone.engine.torch.kernel;

import dev.whetstone.engine.torch.model.Tensors;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Up to how many input rows the decode kernels beat libtorch on this machine, for one served model: measured when
 * the model is prepared for serving, on its largest decode weight, kernel against {@code torch.linear} for 1, 2,
 * 4 and 8 rows (best of 15 calls alternating with each other after 2 untimed ones, the kernel first run until the JIT has compiled it; well under a
 * second in all for the SmolLM2-135M shape on a quiet machine). The kernels
 * serve every row count up to the largest tested count where they won and won at every smaller one. Measured,
 * not assumed: libtorch's oneDNN bf16 GEMM with AMX may win from a few rows on where the hand-written loops,
 * which redo the multiply per row, do not.
 */
public final class RowKernelChoice {
    private static final int[] TESTED = {1, 2, 4, 8};

    private RowKernelChoice() {}

    /** @return the most rows to send through the kernels (0: none), and the timings it was chosen on */
    public static Choice measure(RowWeights kernel, Tensor weight) {
        int best = 0;
        double[] kernelS = new double[TESTED.length];
        double[] torchS = new double[TESTED.length];
        boolean winning = true;
        SplittableRandom random = new SplittableRandom(1);
        for (int t = 0; t < TESTED.length; t++) {
            int m = TESTED[t];
            float[] x = randomRows(random, m, kernel.cols());
            try (PointerScope scope = new PointerScope()) {
                Tensor xt = Tensors.floats(x, 1, m, kernel.cols()).to(Tensors.type(weight));
                warmUp(() -> RowProducts.multiply(kernel, x, m));
                // alternated call by call, so both see the same moments of a loaded machine
                double[] times = interleavedBest(() -> {
                    try (PointerScope s = new PointerScope()) {
                        RowProducts.tensor(RowProducts.multiply(kernel, RowProducts.read(xt), m),
                                new long[] {1, m, kernel.rows()}, Tensors.type(weight));
                    }
                }, () -> {
                    try (PointerScope s = new PointerScope()) {
                        torch.linear(xt, weight);
                    }
                });
                kernelS[t] = times[0];
                torchS[t] = times[1];
            }
            winning &= kernelS[t] < torchS[t];
            if (winning) best = m;
        }
        return new Choice(best, TESTED.clone(), kernelS, torchS);
    }

    /**
     * Runs {@code kernel} (Vector API code: one product, or a whole host decode step) until the JIT has compiled it: interpreted or C1-compiled Vector API code allocates every
     * vector and ran 100× slower here (69 ms against 0.5 ms for one row of the 3072 × 576 gate/up weight), and on
     * a loaded machine C2's compile thread may need seconds of wall time. Runs at least 0.3 s, then stops when
     * twenty calls in a row brought no new best below 95 % of the last and the JIT has been quiet for 200 ms
     * ({@link JitQuiet}), or after 5 s.
     */
    public static void warmUp(Runnable kernel) {
        long start = System.nanoTime();
        long deadline = start + 5_000_000_000L;
        long minimum = start + 300_000_000L;
        double best = Double.MAX_VALUE;
        int sinceImproved = 0;
        JitQuiet jit = new JitQuiet();
        while ((sinceImproved < 20 || System.nanoTime() < minimum || !jit.quiet()) && System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            kernel.run();
            double s = (System.nanoTime() - t0) / 1e9;
            if (s < 0.95 * best) {
                best = s;
                sinceImproved = 0;
            } else {
                sinceImproved++;
            }
        }
    }

    /**
     * Whether the JIT has compiled nothing for the last 200 ms (the process's total compilation time unchanged):
     * on two cores the compiler threads take a core from the code being timed. Suspected, not proven, in one
     * fp32 load on an AVX2 EPYC whose host step lost the load-time timing to libtorch's step by more than the
     * margin, though it ran 17.6 ms against libtorch's ~30 ms when timed quiet. Always quiet where the JVM does
     * not monitor compilation time.
     */
    private static final class JitQuiet {
        private final java.lang.management.CompilationMXBean jit =
                java.lang.management.ManagementFactory.getCompilationMXBean();
        private long lastTotal = -1;
        private long since = System.nanoTime();

        boolean quiet() {
            if (jit == null || !jit.isCompilationTimeMonitoringSupported()) return true;
            long total = jit.getTotalCompilationTime();
            long now = System.nanoTime();
            if (total != lastTotal) {
                lastTotal = total;
                since = now;
            }
            return now - since >= 200_000_000L;
        }
    }

    /** m rows of {@code cols} inputs uniform in [−1, 1): what the load-time timings multiply. */
    public static float[] randomRows(SplittableRandom random, int m, int cols) {
        float[] x = new float[m * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-1, 1);
        return x;
    }

    /** The best of 15 timed calls of each, alternating, after 2 untimed calls of each. */
    public static double[] interleavedBest(Runnable a, Runnable b) {
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int i = 0; i < 17; i++) {
            long t0 = System.nanoTime();
            a.run();
            long t1 = System.nanoTime();
            b.run();
            long t2 = System.nanoTime();
            if (i >= 2) {
                best[0] = Math.min(best[0], (t1 - t0) / 1e9);
                best[1] = Math.min(best[1], (t2 - t1) / 1e9);
            }
        }
        return best;
    }

    /** @param maxRows the most input rows the kernels take; the timings per tested row count, seconds */
    public record Choice(int maxRows, int[] rows, double[] kernelS, double[] torchS) {
        public static Choice always(int maxRows) { return new Choice(maxRows, new int[0], new double[0], new double[0]); }

        public String describe() {
            StringBuilder b = new StringBuilder("decode kernels up to " + maxRows + " rows (");
            for (int i = 0; i < rows.length; i++) {
                b.append(i == 0 ? "" : ", ").append(rows[i]).append(String.format(": %.3f vs libtorch %.3f ms",
                        kernelS[i] * 1e3, torchS[i] * 1e3));
            }
            return b.append(")").toString();
        }
    }
}
