package dev.whetstone.engine.torch.kernel;

import dev.whetstone.engine.torch.model.Tensors;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Up to how many input rows the decode kernels beat libtorch on this machine, for one served model: measured when
 * the model is prepared for serving, on its largest decode weight, kernel against {@code torch.linear} for 1, 2,
 * 4 and 8 rows (best of 5 after 2 warm-ups each; about 50 ms in all for the SmolLM2-135M shape). The kernels
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
            float[] x = new float[m * kernel.cols()];
            for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-1, 1);
            try (PointerScope scope = new PointerScope()) {
                Tensor xt = Tensors.floats(x, 1, m, kernel.cols()).to(Tensors.type(weight));
                kernelS[t] = best(() -> {
                    try (PointerScope s = new PointerScope()) {
                        RowProducts.tensor(RowProducts.multiply(kernel, RowProducts.read(xt), m),
                                new long[] {1, m, kernel.rows()}, Tensors.type(weight));
                    }
                });
                torchS[t] = best(() -> {
                    try (PointerScope s = new PointerScope()) {
                        torch.linear(xt, weight);
                    }
                });
            }
            winning &= kernelS[t] < torchS[t];
            if (winning) best = m;
        }
        return new Choice(best, TESTED.clone(), kernelS, torchS);
    }

    private static double best(Runnable r) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            r.run();
            if (i >= 2) best = Math.min(best, (System.nanoTime() - t0) / 1e9);
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
