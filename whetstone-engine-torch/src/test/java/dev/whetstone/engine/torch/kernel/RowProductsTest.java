package dev.whetstone.engine.torch.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.whetstone.testing.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decode kernels against a float64 product of the exact weights they hold (fp32 values, bf16 values widened,
 * int8 values times their scale): the only difference is the kernels' fp32 accumulation, bounded per output by
 * {@link Tolerances#fp32} of Σ|w·x| over the row's length. Shapes cover the vector loops' tails (columns not a
 * multiple of 16 or 32), rows over several chunks, and 1–17 input rows (the one-, four- and eight-row loops).
 */
class RowProductsTest {
    private static final RowWorkers THREE = new RowWorkers(3);

    @ParameterizedTest
    @CsvSource({"F32,1,300,576,FOUR_ROWS", "F32,3,300,37,FOUR_ROWS", "F32,8,1000,64,FOUR_ROWS",
            "BF16,1,300,576,FOUR_ROWS", "BF16,5,1000,37,FOUR_ROWS", "BF16,8,130,16,FOUR_ROWS",
            "INT8,1,300,576,FOUR_ROWS", "INT8,4,1000,37,FOUR_ROWS", "INT8,7,130,48,FOUR_ROWS", "F32,2,16,7,FOUR_ROWS",
            "F32,8,300,37,EIGHT_ROWS", "F32,13,130,576,EIGHT_ROWS", "BF16,16,1000,37,EIGHT_ROWS",
            "BF16,9,300,576,EIGHT_ROWS", "INT8,8,130,576,EIGHT_ROWS", "INT8,15,1000,37,EIGHT_ROWS"})
    void productsEqualTheFloat64ProductOfTheHeldWeights(String kind, int m, int rows, int cols,
                                                        RowProducts.Blocks blocks) {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        RowWeights held = weights(kind, rows, cols, new SplittableRandom(rows * 31L + cols));
        float[] x = inputs(m, cols, new SplittableRandom(m));
        double[] exact = exactWeights(held);
        float[] y = new float[m * rows];
        RowProducts.multiply(held, x, m, y, THREE, null, 0, null, blocks);
        for (int i = 0; i < m; i++) {
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                double magnitude = 0;
                for (int k = 0; k < cols; k++) {
                    double p = exact[r * cols + k] * x[i * cols + k];
                    sum += p;
                    magnitude += Math.abs(p);
                }
                // int8: the row's sum is of q·x (magnitude Σ|w·x| / scale) and multiplied by the scale once more
                assertThat((double) y[i * rows + r]).as("%s row %d output %d", kind, i, r)
                        .isCloseTo(sum, org.assertj.core.data.Offset.offset(Tolerances.fp32(magnitude, cols + 1)));
            }
        }
    }

    /**
     * The blocking is a speed choice made per machine: blocks of eight input rows give the values blocks of four
     * give (the same accumulation order), so which one a machine measured faster does not change an output. Within
     * fp32 rounding of the row, not bit for bit: reduceLanes' order of float additions differs between interpreted
     * and compiled code, and an earlier test may have compiled one of the two loops and not the other.
     */
    @ParameterizedTest
    @CsvSource({"F32,13,300,37", "BF16,16,130,576", "BF16,11,300,40", "INT8,9,130,576", "INT8,17,300,37"})
    void blocksOfEightRowsGiveTheValuesOfBlocksOfFour(String kind, int m, int rows, int cols) {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        RowWeights held = weights(kind, rows, cols, new SplittableRandom(rows * 31L + cols));
        float[] x = inputs(m, cols, new SplittableRandom(m));
        float[] four = new float[m * rows];
        float[] eight = new float[m * rows];
        RowProducts.multiply(held, x, m, four, THREE, null, 0, null, RowProducts.Blocks.FOUR_ROWS);
        RowProducts.multiply(held, x, m, eight, THREE, null, 0, null, RowProducts.Blocks.EIGHT_ROWS);
        assertCloseInFp32(eight, four, exactWeights(held), x, m, rows, cols);
    }

    /** a and b (m rows of W·x) agree to fp32 rounding of each output's Σ|w·x| over cols products. */
    private static void assertCloseInFp32(float[] a, float[] b, double[] w, float[] x, int m, int rows, int cols) {
        for (int i = 0; i < m; i++) {
            for (int r = 0; r < rows; r++) {
                double magnitude = 0;
                for (int k = 0; k < cols; k++) magnitude += Math.abs(w[r * cols + k] * x[i * cols + k]);
                assertThat((double) a[i * rows + r]).as("row %d output %d", i, r).isCloseTo(b[i * rows + r],
                        org.assertj.core.data.Offset.offset(2 * Tolerances.fp32(magnitude, cols + 1)));
            }
        }
    }

    /**
     * LoRA's s·B·t with B held transposed (r, out): y[c] += Σⱼ t[j] · W[j][c] over a range of columns (vector
     * blocks of four, single vectors and the scalar tail), against float64, and nothing outside the range touched.
     */
    @ParameterizedTest
    @CsvSource({"F32,16,576,0,576", "BF16,16,576,96,480", "F32,8,37,3,37", "BF16,16,100,0,99", "BF16,4,9,1,8"})
    void columnsTimesAddsTheTransposedProduct(String kind, int r, int cols, int c0, int c1) {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        RowWeights w = weights(kind, r, cols, new SplittableRandom(r * 7L + cols));
        double[] exact = exactWeights(w);
        float[] t = inputs(1, r + 3, new SplittableRandom(cols));
        float[] y = inputs(1, c1 - c0 + 10, new SplittableRandom(c0));
        float[] before = y.clone();
        VectorProducts.columnsTimes(w, t, 3, y, 5, c0, c1);
        for (int c = c0; c < c1; c++) {
            double sum = before[5 + c - c0];
            double magnitude = Math.abs(sum);
            for (int j = 0; j < r; j++) {
                sum += t[3 + j] * exact[j * cols + c];
                magnitude += Math.abs(t[3 + j] * exact[j * cols + c]);
            }
            assertThat((double) y[5 + c - c0]).as("%s column %d", kind, c)
                    .isCloseTo(sum, org.assertj.core.data.Offset.offset(Tolerances.fp32(magnitude, r + 1)));
        }
        for (int i = 0; i < 5; i++) assertThat(y[i]).isEqualTo(before[i]);
        for (int i = 5 + c1 - c0; i < y.length; i++) assertThat(y[i]).isEqualTo(before[i]);
    }

    /**
     * Rows of a batch that share an adapter go through LoRA's factors together (each vector of A and of (s·B)ᵀ
     * loaded once per block of rows): every row's t = A·x must be what the one-row loop gives it alone (to fp32
     * rounding: lane reductions, see above) and s·B·t added into its outputs the very bits (lane-wise FMAs in the
     * same order), so sharing a batch does not change a sequence's tokens. Counts cover the four- and eight-row
     * blocks and the rows left over; columns cover the two-vector, one-vector and scalar parts.
     */
    @ParameterizedTest
    @CsvSource({"F32,1,16,576,0,576,FOUR_ROWS", "F32,6,8,37,3,37,FOUR_ROWS", "BF16,8,16,576,96,480,EIGHT_ROWS",
            "BF16,9,16,100,0,99,FOUR_ROWS", "BF16,4,5,9,1,8,EIGHT_ROWS", "F32,13,16,1536,0,1536,EIGHT_ROWS",
            "BF16,7,16,70,2,69,FOUR_ROWS"})
    void rowsSharingFactorsGetTheBitsOfEachRowAlone(String kind, int m, int r, int cols, int c0, int c1,
                                                     RowProducts.Blocks blocks) {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        RowWeights a = weights(kind, r, cols, new SplittableRandom(r * 5L + cols));
        RowWeights bt = weights(kind, r, cols, new SplittableRandom(r * 11L + cols));
        float[] x = inputs(m, cols, new SplittableRandom(m * 3L));
        // A·x: together (in two halves of A's rows, as the decoder splits them) against each row alone
        float[] together = new float[m * r];
        RowProducts.rowsTimes(a, x, m, together, 0, r / 2, blocks);
        RowProducts.rowsTimes(a, x, m, together, r / 2, r, blocks);
        float[] alone = new float[m * r];
        for (int i = 0; i < m; i++) VectorProducts.rowsTimes(a, x, i * cols, alone, i * r, 0, r);
        assertCloseInFp32(together, alone, exactWeights(a), x, m, r, cols);
        // s·B·t into rows of a wider output (stride cols + 7), rows in scattered order
        int stride = cols + 7;
        float[] y = inputs(m, stride, new SplittableRandom(c0 + 1));
        float[] expected = y.clone();
        float[] ts = new float[m * r];                     // the group's t, one row after another
        int[] yo = new int[m];
        for (int q = 0; q < m; q++) {
            int row = (q * 5 + 2) % m;                     // a permutation of 0 … m−1 (m is never a multiple of 5)
            System.arraycopy(alone, row * r, ts, q * r, r);
            yo[q] = row * stride + 3;
            VectorProducts.columnsTimes(bt, alone, row * r, expected, yo[q], c0, c1);
        }
        RowProducts.addColumnsTimes(bt, ts, y, yo, m, c0, c1);
        assertThat(y).containsExactly(expected);
    }

    private static float[] inputs(int m, int cols, SplittableRandom random) {
        float[] x = new float[m * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        return x;
    }

    private static RowWeights weights(String kind, int rows, int cols, SplittableRandom random) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian() * 0.05f;
        return switch (kind) {
            case "F32" -> new RowWeights.F32(w, rows, cols);
            case "BF16" -> {
                short[] s = new short[w.length];
                for (int i = 0; i < w.length; i++) s[i] = RowWeights.toBf16(w[i]);
                yield new RowWeights.Bf16(s, rows, cols);
            }
            default -> RowWeights.Int8.quantize(w, rows, cols);
        };
    }

    private static double[] exactWeights(RowWeights w) {
        double[] out = new double[w.rows() * w.cols()];
        switch (w) {
            case RowWeights.F32 f -> { for (int i = 0; i < out.length; i++) out[i] = f.w()[i]; }
            case RowWeights.Bf16 b -> { for (int i = 0; i < out.length; i++) out[i] = RowWeights.fromBf16(b.w()[i]); }
            case RowWeights.Int8 q -> {
                for (int i = 0; i < out.length; i++) out[i] = (double) q.q()[i] * q.scale()[i / w.cols()];
            }
        }
        return out;
    }

    /** Quantisation: every weight within half a step (scale / 2) of its int8 value times the scale; |q| ≤ 127. */
    @ParameterizedTest
    @CsvSource({"64,576", "3,37"})
    void int8WeightsAreWithinHalfAStepOfTheOriginals(int rows, int cols) {
        SplittableRandom random = new SplittableRandom(7);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * 0.05);
        w[3] = 0.9f; // one outlier: its row's step is set by it
        RowWeights.Int8 q = RowWeights.Int8.quantize(w, rows, cols);
        for (int r = 0; r < rows; r++) {
            double max = 0;
            for (int k = 0; k < cols; k++) max = Math.max(max, Math.abs(w[r * cols + k]));
            assertThat((double) q.scale()[r]).isCloseTo(max / 127, org.assertj.core.data.Offset.offset(max * 1e-6));
            for (int k = 0; k < cols; k++) {
                int i = r * cols + k;
                assertThat(Math.abs((int) q.q()[i])).isLessThanOrEqualTo(127);
                // rounding to the nearest step, then the fp32 product q·s: half a step plus fp32 rounding
                assertThat(Math.abs(q.q()[i] * (double) q.scale()[r] - w[i]))
                        .isLessThanOrEqualTo(q.scale()[r] / 2.0 + Math.abs(w[i]) * 0x1p-22);
            }
        }
    }

    /** The bf16 cast rounds to nearest even, as libtorch's: ties go to the even neighbour. */
    @org.junit.jupiter.api.Test
    void bf16CastRoundsToNearestEven() {
        assertThat(RowWeights.toBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80); // tie, even below
        assertThat(RowWeights.toBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82); // tie, even above
        assertThat(RowWeights.toBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81); // above the tie
        assertThat(Float.isNaN(RowWeights.fromBf16(RowWeights.toBf16(Float.NaN)))).isTrue();
    }
}
