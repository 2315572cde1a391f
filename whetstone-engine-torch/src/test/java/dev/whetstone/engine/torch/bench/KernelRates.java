package dev.whetstone.engine.torch.bench;

import dev.whetstone.engine.torch.TorchNatives;
import dev.whetstone.engine.torch.kernel.RowProducts;
import dev.whetstone.engine.torch.kernel.RowWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.global.torch;

/**
 * Where a decode step's products stand against the machine's two limits, per served format and batch rows: the
 * products of a SmolLM2-135M-shaped step alone (30 layers of distinct weights — stacked q/k/v, o, stacked gate/up,
 * down — and the 49,152-row head: weights streamed from memory, nothing else of the step), and one product repeated
 * on weights that stay in the caches (the kernels' compute ceiling: no memory traffic to wait for). Printed beside
 * the memory read rate and the vector FMA peak measured in the same run, and the largest product (the head, far
 * larger than the caches) alone: one hand-off instead of 121. Not a test: {@code main([threads])}.
 */
public final class KernelRates {
    private static final int D = 576;
    private static final int LAYERS = 30;
    private static final int[][] SHAPES = {{960, D}, {D, D}, {3072, D}, {D, 1536}};
    private static final int VOCAB = 49_152;

    private KernelRates() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        TorchNatives.prepare();
        torch.set_num_threads(threads);
        double read = MemoryBandwidth.readGbPerS(10);
        double peak = RowProducts.fmaPeakGflops();
        System.out.printf("threads %d, memory read %.1f GB/s, vector FMA peak %.1f GFLOP/s%n", threads, read, peak);
        for (String format : List.of("fp32", "bf16", "int8")) {
            List<RowWeights> step = new ArrayList<>();
            SplittableRandom rnd = new SplittableRandom(1);
            for (int l = 0; l < LAYERS; l++) {
                for (int[] s : SHAPES) step.add(weights(format, s[0], s[1], rnd));
            }
            step.add(weights(format, VOCAB, D, rnd));
            RowWeights hot = weights(format, D, D, rnd);
            for (int m : new int[] {1, 4, 8}) {
                Rate streamed = rate(step, m, 3, 15);
                Rate head = rate(step.subList(step.size() - 1, step.size()), m, 3, 15);
                Rate cached = rate(List.of(hot), m, 200, 15);
                System.out.printf("%s m=%d  step's products: %.2f ms, %.1f GB/s of weights (%.0f %% of the read rate),"
                                + " %.1f GFLOP/s (%.0f %% of the FMA peak) | the head alone: %.1f GB/s (%.0f %%)"
                                + " | in cache: %.1f GB/s of weights, %.1f GFLOP/s (%.0f %%)%n", format, m,
                        streamed.seconds * 1e3, streamed.gbs, 100 * streamed.gbs / read, streamed.gflops,
                        100 * streamed.gflops / peak, head.gbs, 100 * head.gbs / read, cached.gbs, cached.gflops,
                        100 * cached.gflops / peak);
            }
        }
    }

    private record Rate(double seconds, double gbs, double gflops) {}

    /** The fastest of {@code reps} passes over {@code weights} (each pass {@code inner} times), after one warm-up. */
    private static Rate rate(List<RowWeights> weights, int m, int inner, int reps) {
        long bytes = 0;
        long macs = 0;
        int widest = 0;
        for (RowWeights w : weights) {
            bytes += w.bytes();
            macs += (long) w.rows() * w.cols() * m;
            widest = Math.max(widest, Math.max(w.rows(), w.cols()));
        }
        SplittableRandom rnd = new SplittableRandom(2);
        float[] x = new float[m * widest];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] y = new float[m * widest];
        double best = Double.MAX_VALUE;
        for (int r = 0; r <= reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) {
                for (RowWeights w : weights) RowProducts.multiply(w, x, m, y);
            }
            double s = (System.nanoTime() - t0) / 1e9 / inner;
            if (r > 0) best = Math.min(best, s);
        }
        return new Rate(best, bytes / best / 1e9, 2.0 * macs / best / 1e9);
    }

    private static RowWeights weights(String format, int rows, int cols, SplittableRandom rnd) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * 0.02);
        return switch (format) {
            case "fp32" -> new RowWeights.F32(w, rows, cols);
            case "bf16" -> {
                short[] b = new short[w.length];
                for (int i = 0; i < w.length; i++) b[i] = RowWeights.toBf16(w[i]);
                yield new RowWeights.Bf16(b, rows, cols);
            }
            case "int8" -> RowWeights.Int8.quantize(w, rows, cols);
            default -> throw new IllegalArgumentException(format);
        };
    }
}
