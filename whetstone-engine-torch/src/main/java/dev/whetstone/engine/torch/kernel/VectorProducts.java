package dev.whetstone.engine.torch.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API loops of {@link RowProducts}: y[i][r] = Σₖ W[r][k] · x[i][k] for weight rows r0 … r1−1 and the m
 * input rows, fp32 accumulation in the CPU's widest float vector (16 lanes with AVX-512, 8 with AVX2), lane
 * partial sums reduced at the end of each row. bf16 and int8 weights come packed in ints ({@link RowWeights.Bf16},
 * {@link RowWeights.Int8}) and widen with same-shape int ops only: a bf16 pair by a 16-bit shift (even column) and
 * a mask (odd column), both exact; an int8 quad by a left then an arithmetic right shift per byte and an int → float
 * conversion, exact, the row's scale multiplying the finished sum. Each int vector so holds 2 or 4 columns per lane,
 * column 2t+j (4t+j) in lane t, so x is split once per call into 2 (4) strided arrays x_j[t] = x[2t+j] (x[4t+j])
 * ({@link #strided}); the packed rows are whole vectors, so there are no tail loops. Widening across vector shapes
 * (short → int, byte → int {@code convertShape}) compiled to a fifth of the memory's rate here (docs/BENCHMARKS.md,
 * "Decode kernels: packed-int widening"). Each weight chunk is loaded and widened once and multiplied into up to
 * four input rows, so batches of 2–8 rows read the weights once per four rows. Loaded only when the
 * jdk.incubator.vector module is present.
 */
final class VectorProducts {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private VectorProducts() {}

    /** Float lanes per vector on this CPU. */
    static int lanes() { return L; }

    /**
     * x (m rows of cols values) in the layout {@code multiply} reads for {@code w}: x itself for fp32; for packed
     * weights with p values per int (2 for bf16, 4 for int8) and rows of s ints, row i becomes p arrays of s values,
     * x_j[t] = x[i][p·t + j] at (i·p + j)·s + t, zero past the columns (the weights' padding is zero too).
     */
    static float[] strided(RowWeights w, float[] x, int m) {
        int parts;
        int stride;
        switch (w) {
            case RowWeights.F32 f -> { return x; }
            case RowWeights.Bf16 b -> { parts = 2; stride = b.stride(); }
            case RowWeights.Int8 q -> { parts = 4; stride = q.stride(); }
        }
        int cols = w.cols();
        float[] xs = new float[m * parts * stride];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < cols; k++) xs[(i * parts + k % parts) * stride + k / parts] = x[i * cols + k];
        }
        return xs;
    }

    /** @param x as {@link #strided} made it for {@code w} */
    static void multiply(RowWeights w, float[] x, int m, float[] y, int r0, int r1) {
        int rows = w.rows();
        int cols = w.cols();
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            switch (w) {
                case RowWeights.F32 f -> f32x4(f.w(), cols, x, i, y, rows, r0, r1);
                case RowWeights.Bf16 b -> bf16x4(b, x, i, y, r0, r1);
                case RowWeights.Int8 q -> int8x4(q, x, i, y, r0, r1);
            }
        }
        for (; i < m; i++) {
            switch (w) {
                case RowWeights.F32 f -> f32x1(f.w(), cols, x, i, y, rows, r0, r1);
                case RowWeights.Bf16 b -> bf16x1(b, x, i, y, r0, r1);
                case RowWeights.Int8 q -> int8x1(q, x, i, y, r0, r1);
            }
        }
    }

    /** The even columns of a packed bf16 vector: the low halves shifted into place. */
    private static FloatVector even(IntVector v) { return v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(); }

    /** The odd columns of a packed bf16 vector: the high halves, the low ones masked off. */
    private static FloatVector odd(IntVector v) { return v.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats(); }

    /** Byte j of each lane sign-extended, (v << 24−8j) >> 24, as floats; j = 3 needs the right shift alone. */
    private static FloatVector int8(IntVector v, int j) {
        IntVector s = j == 3 ? v : v.lanewise(VectorOperators.LSHL, 24 - 8 * j);
        return (FloatVector) s.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0);
    }

    private static void f32x1(float[] w, int cols, float[] x, int i, float[] y, int rows, int r0, int r1) {
        int xo = i * cols;
        int upper = cols - cols % (2 * L);
        int upper1 = cols - cols % L;
        for (int r = r0; r < r1; r++) {
            int wo = r * cols;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            int k = 0;
            for (; k < upper; k += 2 * L) {
                a0 = FloatVector.fromArray(F, w, wo + k).fma(FloatVector.fromArray(F, x, xo + k), a0);
                a1 = FloatVector.fromArray(F, w, wo + k + L).fma(FloatVector.fromArray(F, x, xo + k + L), a1);
            }
            for (; k < upper1; k += L) a0 = FloatVector.fromArray(F, w, wo + k).fma(FloatVector.fromArray(F, x, xo + k), a0);
            float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) s += w[wo + k] * x[xo + k];
            y[i * rows + r] = s;
        }
    }

    private static void bf16x1(RowWeights.Bf16 b, float[] x, int i, float[] y, int r0, int r1) {
        int[] w = b.w();
        int stride = b.stride();
        int rows = b.rows();
        int x0 = 2 * i * stride, x1 = x0 + stride;
        for (int r = r0; r < r1; r++) {
            int wo = r * stride;
            FloatVector a0 = FloatVector.zero(F), a1 = a0;
            for (int t = 0; t < stride; t += L) {
                IntVector v = IntVector.fromArray(I, w, wo + t);
                a0 = even(v).fma(FloatVector.fromArray(F, x, x0 + t), a0);
                a1 = odd(v).fma(FloatVector.fromArray(F, x, x1 + t), a1);
            }
            y[i * rows + r] = a0.add(a1).reduceLanes(VectorOperators.ADD);
        }
    }

    private static void int8x1(RowWeights.Int8 q8, float[] x, int i, float[] y, int r0, int r1) {
        int[] q = q8.packed();
        float[] scale = q8.scale();
        int stride = q8.stride();
        int rows = q8.rows();
        int x0 = 4 * i * stride, x1 = x0 + stride, x2 = x1 + stride, x3 = x2 + stride;
        for (int r = r0; r < r1; r++) {
            int wo = r * stride;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < stride; t += L) {
                IntVector v = IntVector.fromArray(I, q, wo + t);
                a0 = int8(v, 0).fma(FloatVector.fromArray(F, x, x0 + t), a0);
                a1 = int8(v, 1).fma(FloatVector.fromArray(F, x, x1 + t), a1);
                a2 = int8(v, 2).fma(FloatVector.fromArray(F, x, x2 + t), a2);
                a3 = int8(v, 3).fma(FloatVector.fromArray(F, x, x3 + t), a3);
            }
            y[i * rows + r] = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD) * scale[r];
        }
    }

    private static void f32x4(float[] w, int cols, float[] x, int i, float[] y, int rows, int r0, int r1) {
        int x0 = i * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        int upper = cols - cols % L;
        for (int r = r0; r < r1; r++) {
            int wo = r * cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int k = 0;
            for (; k < upper; k += L) {
                FloatVector v = FloatVector.fromArray(F, w, wo + k);
                a0 = v.fma(FloatVector.fromArray(F, x, x0 + k), a0);
                a1 = v.fma(FloatVector.fromArray(F, x, x1 + k), a1);
                a2 = v.fma(FloatVector.fromArray(F, x, x2 + k), a2);
                a3 = v.fma(FloatVector.fromArray(F, x, x3 + k), a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) {
                float v = w[wo + k];
                s0 += v * x[x0 + k];
                s1 += v * x[x1 + k];
                s2 += v * x[x2 + k];
                s3 += v * x[x3 + k];
            }
            store4(y, i, rows, r, s0, s1, s2, s3, 1f);
        }
    }

    private static void bf16x4(RowWeights.Bf16 b, float[] x, int i, float[] y, int r0, int r1) {
        int[] w = b.w();
        int stride = b.stride();
        int rows = b.rows();
        // input row i+n's even and odd halves start at (2(i+n)) · stride and one stride later
        int e0 = 2 * i * stride, e1 = e0 + 2 * stride, e2 = e1 + 2 * stride, e3 = e2 + 2 * stride;
        for (int r = r0; r < r1; r++) {
            int wo = r * stride;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < stride; t += L) {
                IntVector v = IntVector.fromArray(I, w, wo + t);
                FloatVector ev = even(v), od = odd(v);
                a0 = od.fma(FloatVector.fromArray(F, x, e0 + stride + t), ev.fma(FloatVector.fromArray(F, x, e0 + t), a0));
                a1 = od.fma(FloatVector.fromArray(F, x, e1 + stride + t), ev.fma(FloatVector.fromArray(F, x, e1 + t), a1));
                a2 = od.fma(FloatVector.fromArray(F, x, e2 + stride + t), ev.fma(FloatVector.fromArray(F, x, e2 + t), a2));
                a3 = od.fma(FloatVector.fromArray(F, x, e3 + stride + t), ev.fma(FloatVector.fromArray(F, x, e3 + t), a3));
            }
            store4(y, i, rows, r, a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD),
                    a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD), 1f);
        }
    }

    private static void int8x4(RowWeights.Int8 q8, float[] x, int i, float[] y, int r0, int r1) {
        int[] q = q8.packed();
        float[] scale = q8.scale();
        int stride = q8.stride();
        int rows = q8.rows();
        // input row i+n's four strided parts start at 4(i+n) · stride, one stride apart
        int s1 = stride, s2 = 2 * stride, s3 = 3 * stride;
        int b0 = 4 * i * stride, b1 = b0 + 4 * stride, b2 = b1 + 4 * stride, b3 = b2 + 4 * stride;
        for (int r = r0; r < r1; r++) {
            int wo = r * stride;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < stride; t += L) {
                IntVector v = IntVector.fromArray(I, q, wo + t);
                FloatVector q0 = int8(v, 0), q1 = int8(v, 1), q2 = int8(v, 2), q3 = int8(v, 3);
                a0 = quad(q0, q1, q2, q3, x, b0 + t, s1, s2, s3, a0);
                a1 = quad(q0, q1, q2, q3, x, b1 + t, s1, s2, s3, a1);
                a2 = quad(q0, q1, q2, q3, x, b2 + t, s1, s2, s3, a2);
                a3 = quad(q0, q1, q2, q3, x, b3 + t, s1, s2, s3, a3);
            }
            store4(y, i, rows, r, a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD),
                    a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD), scale[r]);
        }
    }

    /** a + q0·x_0 + q1·x_1 + q2·x_2 + q3·x_3 for one input row whose parts start at o, o+s1, o+s2, o+s3. */
    private static FloatVector quad(FloatVector q0, FloatVector q1, FloatVector q2, FloatVector q3, float[] x, int o,
                                    int s1, int s2, int s3, FloatVector a) {
        a = q0.fma(FloatVector.fromArray(F, x, o), a);
        a = q1.fma(FloatVector.fromArray(F, x, o + s1), a);
        a = q2.fma(FloatVector.fromArray(F, x, o + s2), a);
        return q3.fma(FloatVector.fromArray(F, x, o + s3), a);
    }

    private static void store4(float[] y, int i, int rows, int r, float s0, float s1, float s2, float s3, float s) {
        y[i * rows + r] = s0 * s;
        y[(i + 1) * rows + r] = s1 * s;
        y[(i + 2) * rows + r] = s2 * s;
        y[(i + 3) * rows + r] = s3 * s;
    }
}
