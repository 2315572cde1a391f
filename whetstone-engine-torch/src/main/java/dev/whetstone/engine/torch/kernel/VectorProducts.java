package dev.whetstone.engine.torch.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API loops of {@link RowProducts}: y[i][r] = Σₖ W[r][k] · x[i][k] for weight rows r0 … r1−1 and the m
 * input rows, fp32 accumulation in the CPU's widest float vector (16 lanes with AVX-512, 8 with AVX2), lane
 * partial sums reduced at the end of each row. bf16 weights widen to fp32 by a 16-bit shift (exact); int8 weights
 * convert exactly and the row's scale multiplies the finished sum. Each weight chunk is loaded and widened once
 * and multiplied into up to four input rows, so batches of 2–8 rows read the weights once per four rows; the
 * four-row loops take two weight rows at a time, so each input vector they load serves eight FMAs, not four (the
 * loads of the input rows, not the weights, bound the batched loops: 1.5–1.75× faster at 8 and 16 rows, quiet). Or,
 * chosen per model by timing ({@link RowProducts.Blocks}), blocks of eight input rows against one weight row. The
 * one-row loops read at the memory's rate with two threads, except int8's on 8-lane vectors (compute-bound);
 * weights packed in ints and widened with same-shape int ops only were measured slower (docs/BENCHMARKS.md,
 * "Decode kernels: packed-int widening").
 * Loaded only when the jdk.incubator.vector module is present.
 */
final class VectorProducts {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));

    private VectorProducts() {}

    /** Float lanes per vector on this CPU. */
    static int lanes() { return L; }

    /** Independent FMA chains in {@link #fmaChains}: more than latency × FMA units (4 × 2 on current x86 cores). */
    static final int CHAINS = 10;

    /**
     * {@code n} rounds of {@link #CHAINS} independent vector FMAs on registers, nothing loaded: the most FMAs a
     * second these kernels' instructions can issue on one core (the compute bound of batched decoding).
     * Returns a value derived from every chain, so none is dead code.
     */
    static float fmaChains(long n) {
        FloatVector m = FloatVector.broadcast(F, 0.999f);
        FloatVector c = FloatVector.broadcast(F, 1e-3f);
        FloatVector a0 = FloatVector.broadcast(F, 1f), a1 = a0.mul(0.9f), a2 = a0.mul(0.8f), a3 = a0.mul(0.7f);
        FloatVector a4 = a0.mul(0.6f), a5 = a0.mul(0.5f), a6 = a0.mul(0.4f), a7 = a0.mul(0.3f), a8 = a0.mul(0.2f);
        FloatVector a9 = a0.mul(0.1f);
        for (long i = 0; i < n; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9)
                .reduceLanes(VectorOperators.ADD);
    }

    static void multiply(RowWeights w, float[] x, int m, float[] y, int r0, int r1) {
        multiply(w, x, m, y, r0, r1, RowProducts.Blocks.FOUR_ROWS);
    }

    /**
     * As {@link #multiply(RowWeights, float[], int, float[], int, int)}, input rows in blocks of eight first when
     * {@code blocks} says so. Every block size accumulates y[i][r] in the same order (one vector accumulator per
     * weight row and input row, k ascending, lanes reduced, then the scalar tail), so the blocking changes the time
     * of a product, not its value — once compiled: reduceLanes leaves the order of its float additions to the
     * implementation, and a loop still interpreted sums the lanes in another order than a compiled one (a test
     * that compared two blockings bit for bit failed when one of them had been compiled by an earlier test).
     */
    static void multiply(RowWeights w, float[] x, int m, float[] y, int r0, int r1, RowProducts.Blocks blocks) {
        int rows = w.rows();
        int cols = w.cols();
        if (m >= TOUCH_ROWS) touch(w, r0, r1);
        int i = 0;
        for (; blocks == RowProducts.Blocks.EIGHT_ROWS && i + 8 <= m; i += 8) {
            switch (w) {
                case RowWeights.F32 f -> f32x8(f.w(), cols, x, i, y, rows, r0, r1);
                case RowWeights.Bf16 b -> bf16x8(b.w(), cols, x, i, y, rows, r0, r1);
                case RowWeights.Int8 q -> int8x8(q.q(), q.scale(), cols, x, i, y, rows, r0, r1);
            }
        }
        for (; i + 4 <= m; i += 4) {
            switch (w) {
                case RowWeights.F32 f -> f32x4(f.w(), cols, x, i, y, rows, r0, r1);
                case RowWeights.Bf16 b -> bf16x4(b.w(), cols, x, i, y, rows, r0, r1);
                case RowWeights.Int8 q -> int8x4(q, cols, x, i, y, rows, r0, r1);
            }
        }
        for (; i < m; i++) {
            switch (w) {
                case RowWeights.F32 f -> f32x1(f.w(), cols, x, i, y, rows, r0, r1);
                case RowWeights.Bf16 b -> bf16x1(b.w(), cols, x, i, y, rows, r0, r1);
                case RowWeights.Int8 q -> int8x1(q, cols, x, i, y, rows, r0, r1);
            }
        }
    }

    /** From this many input rows on, a chunk's fp32 or bf16 weights are touched into the cache before its blocks. */
    static final int TOUCH_ROWS = Integer.getInteger("whetstone.touchRows", 4);
    private static volatile int touched;

    /**
     * Reads one value per cache line of weight rows r0 … r1−1 (a chunk: at most 128 rows, ≤ 400 KB in bf16), so
     * the block loops then find them in the core's L2. Why: with four or more input rows a block loop does so much
     * arithmetic per cache line of weights that few lines' loads are in flight at once, and weights streamed from
     * memory arrived at 10–18 GB/s on two threads (Zen 4, 34 GB/s read rate), against 48–77 GB/s from the cache;
     * this loop has one load per line. Measured on a decode step's products alone (bench.KernelRates, four runs
     * alternating): fp32 15–25 % and bf16 4–8 % faster at four and eight rows; int8, whose widening makes its
     * loops compute-bound, not faster — so int8 weights are not touched.
     */
    private static void touch(RowWeights w, int r0, int r1) {
        int s = 0;
        if (w instanceof RowWeights.F32 f) {
            float[] a = f.w();
            for (int o = r0 * f.cols(), end = r1 * f.cols(); o < end; o += 16) s += Float.floatToRawIntBits(a[o]);
        } else if (w instanceof RowWeights.Bf16 b) {
            short[] a = b.w();
            for (int o = r0 * b.cols(), end = r1 * b.cols(); o < end; o += 32) s += a[o];
        }
        touched = s;
    }

    /** y[yo + r − r0] += Σₖ W[r][k] · x[xo + k] for rows r0 … r1−1 of fp32 or bf16 weights (LoRA's small factors). */
    static void rowsTimes(RowWeights w, float[] x, int xo, float[] y, int yo, int r0, int r1) {
        int cols = w.cols();
        int upper = cols - cols % L;
        for (int r = r0; r < r1; r++) {
            int wo = r * cols;
            FloatVector a = FloatVector.zero(F);
            int k = 0;
            float s;
            switch (w) {
                case RowWeights.F32 f -> {
                    float[] v = f.w();
                    for (; k < upper; k += L) a = FloatVector.fromArray(F, v, wo + k).fma(FloatVector.fromArray(F, x, xo + k), a);
                    s = a.reduceLanes(VectorOperators.ADD);
                    for (; k < cols; k++) s += v[wo + k] * x[xo + k];
                }
                case RowWeights.Bf16 b -> {
                    short[] v = b.w();
                    for (; k < upper; k += L) a = bf16(v, wo + k).fma(FloatVector.fromArray(F, x, xo + k), a);
                    s = a.reduceLanes(VectorOperators.ADD);
                    for (; k < cols; k++) s += RowWeights.fromBf16(v[wo + k]) * x[xo + k];
                }
                case RowWeights.Int8 q -> throw new IllegalArgumentException("LoRA factors are fp32 or bf16");
            }
            y[yo + r - r0] += s;
        }
    }

    /**
     * y[i·rows + r] = W[r]·x[i] for the m input rows of x and rows r0 … r1−1 of fp32 or bf16 weights W (rows, cols):
     * LoRA's t = A·x for the rows of a batch that share an adapter. Blocks of four (or eight, as {@code blocks}
     * says) input rows load and widen each weight vector once; the rows left over go one at a time through
     * {@link #rowsTimes(RowWeights, float[], int, float[], int, int, int)}. Each y[i][r] accumulates as that loop
     * does (one vector accumulator, k ascending, lanes reduced, then the scalar tail), so a row's t does not depend
     * on the rows sharing its batch (in compiled code: see the lane reduction's order above).
     */
    static void rowsTimes(RowWeights w, float[] x, int m, float[] y, int r0, int r1, RowProducts.Blocks blocks) {
        if (w instanceof RowWeights.Int8) throw new IllegalArgumentException("LoRA factors are fp32 or bf16");
        int rows = w.rows();
        int cols = w.cols();
        int blocked = m - m % 4;
        multiply(w, x, blocked, y, r0, r1, blocks);
        for (int i = blocked; i < m; i++) {
            java.util.Arrays.fill(y, i * rows + r0, i * rows + r1, 0f);
            rowsTimes(w, x, i * cols, y, i * rows + r0, r0, r1);
        }
    }

    /**
     * As {@link #columnsTimes(RowWeights, float[], int, float[], int, int, int)} for n rows sharing W, row q's t at
     * q·r (the rows' t one after another) and its outputs at {@code yo[q]}: four rows at a time, each vector of W loaded (bf16: widened)
     * once for all four instead of once a row, two vectors of outputs a row (eight accumulators). Every output
     * accumulates as in the one-row loop (y, then + t[j]·W[j][c] for j ascending, fused below the vector width,
     * separate multiply and add in the scalar tail), so the values are the same bits (no lane reduction here).
     */
    static void columnsTimes(RowWeights w, float[] t, float[] y, int[] yo, int n, int c0, int c1) {
        int r = w.rows();
        int cols = w.cols();
        int len = c1 - c0;
        int upper2 = len - len % (2 * L);
        int upper = len - len % L;
        int q = 0;
        for (; q + 4 <= n; q += 4) {
            int t0 = q * r, t1 = t0 + r, t2 = t1 + r, t3 = t2 + r;
            int y0 = yo[q], y1 = yo[q + 1], y2 = yo[q + 2], y3 = yo[q + 3];
            int k = 0;
            for (; k < upper2; k += 2 * L) {
                FloatVector a0 = FloatVector.fromArray(F, y, y0 + k), b0 = FloatVector.fromArray(F, y, y0 + k + L);
                FloatVector a1 = FloatVector.fromArray(F, y, y1 + k), b1 = FloatVector.fromArray(F, y, y1 + k + L);
                FloatVector a2 = FloatVector.fromArray(F, y, y2 + k), b2 = FloatVector.fromArray(F, y, y2 + k + L);
                FloatVector a3 = FloatVector.fromArray(F, y, y3 + k), b3 = FloatVector.fromArray(F, y, y3 + k + L);
                for (int j = 0; j < r; j++) {
                    int o = j * cols + c0 + k;
                    FloatVector u = column(w, o);
                    FloatVector v = column(w, o + L);
                    FloatVector s = FloatVector.broadcast(F, t[t0 + j]);
                    a0 = u.fma(s, a0);
                    b0 = v.fma(s, b0);
                    s = FloatVector.broadcast(F, t[t1 + j]);
                    a1 = u.fma(s, a1);
                    b1 = v.fma(s, b1);
                    s = FloatVector.broadcast(F, t[t2 + j]);
                    a2 = u.fma(s, a2);
                    b2 = v.fma(s, b2);
                    s = FloatVector.broadcast(F, t[t3 + j]);
                    a3 = u.fma(s, a3);
                    b3 = v.fma(s, b3);
                }
                a0.intoArray(y, y0 + k);
                b0.intoArray(y, y0 + k + L);
                a1.intoArray(y, y1 + k);
                b1.intoArray(y, y1 + k + L);
                a2.intoArray(y, y2 + k);
                b2.intoArray(y, y2 + k + L);
                a3.intoArray(y, y3 + k);
                b3.intoArray(y, y3 + k + L);
            }
            for (; k < upper; k += L) {
                FloatVector a0 = FloatVector.fromArray(F, y, y0 + k), a1 = FloatVector.fromArray(F, y, y1 + k);
                FloatVector a2 = FloatVector.fromArray(F, y, y2 + k), a3 = FloatVector.fromArray(F, y, y3 + k);
                for (int j = 0; j < r; j++) {
                    FloatVector u = column(w, j * cols + c0 + k);
                    a0 = u.fma(FloatVector.broadcast(F, t[t0 + j]), a0);
                    a1 = u.fma(FloatVector.broadcast(F, t[t1 + j]), a1);
                    a2 = u.fma(FloatVector.broadcast(F, t[t2 + j]), a2);
                    a3 = u.fma(FloatVector.broadcast(F, t[t3 + j]), a3);
                }
                a0.intoArray(y, y0 + k);
                a1.intoArray(y, y1 + k);
                a2.intoArray(y, y2 + k);
                a3.intoArray(y, y3 + k);
            }
            if (k < len) {
                for (int p = q; p < q + 4; p++) columnsTimes(w, t, p * r, y, yo[p] + k, c0 + k, c1);
            }
        }
        for (; q < n; q++) columnsTimes(w, t, q * r, y, yo[q], c0, c1);
    }

    /**
     * y[yo + c − c0] += Σⱼ t[to + j] · W[j][c] for columns c0 … c1−1 of W (r, cols), fp32 or bf16: a product by
     * the transpose of W, vectorised along the output columns — LoRA's s·B·t with B held transposed (r, out), r
     * broadcast FMAs per vector of outputs and no lane reductions (a dot product per output of r = 16 values was
     * mostly its reduction). Four vectors of outputs at a time, one FMA chain each.
     */
    static void columnsTimes(RowWeights w, float[] t, int to, float[] y, int yo, int c0, int c1) {
        int r = w.rows();
        int cols = w.cols();
        int n = c1 - c0;
        int upper4 = n - n % (4 * L);
        int upper = n - n % L;
        int k = 0;
        for (; k < upper4; k += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(F, y, yo + k), a1 = FloatVector.fromArray(F, y, yo + k + L);
            FloatVector a2 = FloatVector.fromArray(F, y, yo + k + 2 * L), a3 = FloatVector.fromArray(F, y, yo + k + 3 * L);
            for (int j = 0; j < r; j++) {
                FloatVector tj = FloatVector.broadcast(F, t[to + j]);
                int o = j * cols + c0 + k;
                a0 = column(w, o).fma(tj, a0);
                a1 = column(w, o + L).fma(tj, a1);
                a2 = column(w, o + 2 * L).fma(tj, a2);
                a3 = column(w, o + 3 * L).fma(tj, a3);
            }
            a0.intoArray(y, yo + k);
            a1.intoArray(y, yo + k + L);
            a2.intoArray(y, yo + k + 2 * L);
            a3.intoArray(y, yo + k + 3 * L);
        }
        for (; k < upper; k += L) {
            FloatVector a = FloatVector.fromArray(F, y, yo + k);
            for (int j = 0; j < r; j++) a = column(w, j * cols + c0 + k).fma(FloatVector.broadcast(F, t[to + j]), a);
            a.intoArray(y, yo + k);
        }
        for (; k < n; k++) {
            float s = y[yo + k];
            for (int j = 0; j < r; j++) s += weight(w, j * cols + c0 + k) * t[to + j];
            y[yo + k] = s;
        }
    }

    /** L consecutive fp32 or bf16 weights from flat index {@code off}, as fp32. */
    private static FloatVector column(RowWeights w, int off) {
        return switch (w) {
            case RowWeights.F32 f -> FloatVector.fromArray(F, f.w(), off);
            case RowWeights.Bf16 b -> bf16(b.w(), off);
            case RowWeights.Int8 q -> throw new IllegalArgumentException("LoRA factors are fp32 or bf16");
        };
    }

    private static float weight(RowWeights w, int off) {
        return switch (w) {
            case RowWeights.F32 f -> f.w()[off];
            case RowWeights.Bf16 b -> RowWeights.fromBf16(b.w()[off]);
            case RowWeights.Int8 q -> throw new IllegalArgumentException("LoRA factors are fp32 or bf16");
        };
    }

    private static FloatVector bf16(short[] w, int off) {
        return ShortVector.fromArray(S, w, off).convertShape(VectorOperators.S2I, I, 0).reinterpretAsInts()
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Widened to int, then converted: a direct B2F conversion ran at 0.2–5 GB/s here, B2I + I2F at 15–17 (one thread). */
    private static FloatVector int8(byte[] q, int off) {
        return ((IntVector) ByteVector.fromArray(B, q, off).convertShape(VectorOperators.B2I, I, 0))
                .convert(VectorOperators.I2F, 0).reinterpretAsFloats();
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

    private static void bf16x1(short[] w, int cols, float[] x, int i, float[] y, int rows, int r0, int r1) {
        int xo = i * cols;
        int upper = cols - cols % (2 * L);
        int upper1 = cols - cols % L;
        for (int r = r0; r < r1; r++) {
            int wo = r * cols;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            int k = 0;
            for (; k < upper; k += 2 * L) {
                a0 = bf16(w, wo + k).fma(FloatVector.fromArray(F, x, xo + k), a0);
                a1 = bf16(w, wo + k + L).fma(FloatVector.fromArray(F, x, xo + k + L), a1);
            }
            for (; k < upper1; k += L) a0 = bf16(w, wo + k).fma(FloatVector.fromArray(F, x, xo + k), a0);
            float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) s += RowWeights.fromBf16(w[wo + k]) * x[xo + k];
            y[i * rows + r] = s;
        }
    }

    /**
     * One input row over int8 weights: four accumulators, since widening int8 makes this loop compute-bound, not
     * memory-bound, where vectors are 8 lanes (AVX2: 11 GB/s of weights a core with two accumulators, 11.8 with four;
     * two threads 21.0 against 22.5 GB/s, docs/BENCHMARKS.md).
     */
    private static void int8x1(RowWeights.Int8 q8, int cols, float[] x, int i, float[] y, int rows, int r0, int r1) {
        byte[] q = q8.q();
        float[] scale = q8.scale();
        int xo = i * cols;
        int upper = cols - cols % (4 * L);
        int upper1 = cols - cols % L;
        for (int r = r0; r < r1; r++) {
            int wo = r * cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int k = 0;
            for (; k < upper; k += 4 * L) {
                a0 = int8(q, wo + k).fma(FloatVector.fromArray(F, x, xo + k), a0);
                a1 = int8(q, wo + k + L).fma(FloatVector.fromArray(F, x, xo + k + L), a1);
                a2 = int8(q, wo + k + 2 * L).fma(FloatVector.fromArray(F, x, xo + k + 2 * L), a2);
                a3 = int8(q, wo + k + 3 * L).fma(FloatVector.fromArray(F, x, xo + k + 3 * L), a3);
            }
            for (; k < upper1; k += L) a0 = int8(q, wo + k).fma(FloatVector.fromArray(F, x, xo + k), a0);
            float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) s += q[wo + k] * x[xo + k];
            y[i * rows + r] = s * scale[r];
        }
    }

    private static void f32x4(float[] w, int cols, float[] x, int i, float[] y, int rows, int r0, int r1) {
        int x0 = i * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        int upper = cols - cols % L;
        int r = r0;
        // two weight rows at a time: each input vector loaded once for both (8 FMAs per 6 loads instead of 4 per
        // 5), the loads, not the FMAs, being what bounds these loops once the weights stream from cache
        for (; r + 1 < r1; r += 2) {
            int wo = r * cols;
            int wp = wo + cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int k = 0;
            for (; k < upper; k += L) {
                FloatVector v = FloatVector.fromArray(F, w, wo + k);
                FloatVector u = FloatVector.fromArray(F, w, wp + k);
                FloatVector c = FloatVector.fromArray(F, x, x0 + k);
                a0 = v.fma(c, a0);
                b0 = u.fma(c, b0);
                c = FloatVector.fromArray(F, x, x1 + k);
                a1 = v.fma(c, a1);
                b1 = u.fma(c, b1);
                c = FloatVector.fromArray(F, x, x2 + k);
                a2 = v.fma(c, a2);
                b2 = u.fma(c, b2);
                c = FloatVector.fromArray(F, x, x3 + k);
                a3 = v.fma(c, a3);
                b3 = u.fma(c, b3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            float t0 = b0.reduceLanes(VectorOperators.ADD), t1 = b1.reduceLanes(VectorOperators.ADD);
            float t2 = b2.reduceLanes(VectorOperators.ADD), t3 = b3.reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) {
                float v = w[wo + k];
                float u = w[wp + k];
                s0 += v * x[x0 + k];
                s1 += v * x[x1 + k];
                s2 += v * x[x2 + k];
                s3 += v * x[x3 + k];
                t0 += u * x[x0 + k];
                t1 += u * x[x1 + k];
                t2 += u * x[x2 + k];
                t3 += u * x[x3 + k];
            }
            store4(y, i, rows, r, s0, s1, s2, s3, 1f);
            store4(y, i, rows, r + 1, t0, t1, t2, t3, 1f);
        }
        for (; r < r1; r++) {
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

    private static void bf16x4(short[] w, int cols, float[] x, int i, float[] y, int rows, int r0, int r1) {
        int x0 = i * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        int upper = cols - cols % L;
        int r = r0;
        // two weight rows at a time: each input vector loaded once for both (8 FMAs per 6 loads instead of 4 per
        // 5), the loads, not the FMAs, being what bounds these loops once the weights stream from cache
        for (; r + 1 < r1; r += 2) {
            int wo = r * cols;
            int wp = wo + cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int k = 0;
            for (; k < upper; k += L) {
                FloatVector v = bf16(w, wo + k);
                FloatVector u = bf16(w, wp + k);
                FloatVector c = FloatVector.fromArray(F, x, x0 + k);
                a0 = v.fma(c, a0);
                b0 = u.fma(c, b0);
                c = FloatVector.fromArray(F, x, x1 + k);
                a1 = v.fma(c, a1);
                b1 = u.fma(c, b1);
                c = FloatVector.fromArray(F, x, x2 + k);
                a2 = v.fma(c, a2);
                b2 = u.fma(c, b2);
                c = FloatVector.fromArray(F, x, x3 + k);
                a3 = v.fma(c, a3);
                b3 = u.fma(c, b3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            float t0 = b0.reduceLanes(VectorOperators.ADD), t1 = b1.reduceLanes(VectorOperators.ADD);
            float t2 = b2.reduceLanes(VectorOperators.ADD), t3 = b3.reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) {
                float v = RowWeights.fromBf16(w[wo + k]);
                float u = RowWeights.fromBf16(w[wp + k]);
                s0 += v * x[x0 + k];
                s1 += v * x[x1 + k];
                s2 += v * x[x2 + k];
                s3 += v * x[x3 + k];
                t0 += u * x[x0 + k];
                t1 += u * x[x1 + k];
                t2 += u * x[x2 + k];
                t3 += u * x[x3 + k];
            }
            store4(y, i, rows, r, s0, s1, s2, s3, 1f);
            store4(y, i, rows, r + 1, t0, t1, t2, t3, 1f);
        }
        for (; r < r1; r++) {
            int wo = r * cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int k = 0;
            for (; k < upper; k += L) {
                FloatVector v = bf16(w, wo + k);
                a0 = v.fma(FloatVector.fromArray(F, x, x0 + k), a0);
                a1 = v.fma(FloatVector.fromArray(F, x, x1 + k), a1);
                a2 = v.fma(FloatVector.fromArray(F, x, x2 + k), a2);
                a3 = v.fma(FloatVector.fromArray(F, x, x3 + k), a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) {
                float v = RowWeights.fromBf16(w[wo + k]);
                s0 += v * x[x0 + k];
                s1 += v * x[x1 + k];
                s2 += v * x[x2 + k];
                s3 += v * x[x3 + k];
            }
            store4(y, i, rows, r, s0, s1, s2, s3, 1f);
        }
    }

    private static void int8x4(RowWeights.Int8 q8, int cols, float[] x, int i, float[] y, int rows, int r0, int r1) {
        byte[] q = q8.q();
        float[] scale = q8.scale();
        int x0 = i * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        int upper = cols - cols % L;
        int r = r0;
        // two weight rows at a time: each input vector loaded once for both (8 FMAs per 6 loads instead of 4 per
        // 5), the loads, not the FMAs, being what bounds these loops once the weights stream from cache
        for (; r + 1 < r1; r += 2) {
            int wo = r * cols;
            int wp = wo + cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int k = 0;
            for (; k < upper; k += L) {
                FloatVector v = int8(q, wo + k);
                FloatVector u = int8(q, wp + k);
                FloatVector c = FloatVector.fromArray(F, x, x0 + k);
                a0 = v.fma(c, a0);
                b0 = u.fma(c, b0);
                c = FloatVector.fromArray(F, x, x1 + k);
                a1 = v.fma(c, a1);
                b1 = u.fma(c, b1);
                c = FloatVector.fromArray(F, x, x2 + k);
                a2 = v.fma(c, a2);
                b2 = u.fma(c, b2);
                c = FloatVector.fromArray(F, x, x3 + k);
                a3 = v.fma(c, a3);
                b3 = u.fma(c, b3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            float t0 = b0.reduceLanes(VectorOperators.ADD), t1 = b1.reduceLanes(VectorOperators.ADD);
            float t2 = b2.reduceLanes(VectorOperators.ADD), t3 = b3.reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) {
                float v = q[wo + k];
                float u = q[wp + k];
                s0 += v * x[x0 + k];
                s1 += v * x[x1 + k];
                s2 += v * x[x2 + k];
                s3 += v * x[x3 + k];
                t0 += u * x[x0 + k];
                t1 += u * x[x1 + k];
                t2 += u * x[x2 + k];
                t3 += u * x[x3 + k];
            }
            store4(y, i, rows, r, s0, s1, s2, s3, scale[r]);
            store4(y, i, rows, r + 1, t0, t1, t2, t3, scale[r + 1]);
        }
        for (; r < r1; r++) {
            int wo = r * cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int k = 0;
            for (; k < upper; k += L) {
                FloatVector v = int8(q, wo + k);
                a0 = v.fma(FloatVector.fromArray(F, x, x0 + k), a0);
                a1 = v.fma(FloatVector.fromArray(F, x, x1 + k), a1);
                a2 = v.fma(FloatVector.fromArray(F, x, x2 + k), a2);
                a3 = v.fma(FloatVector.fromArray(F, x, x3 + k), a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) {
                float v = q[wo + k];
                s0 += v * x[x0 + k];
                s1 += v * x[x1 + k];
                s2 += v * x[x2 + k];
                s3 += v * x[x3 + k];
            }
            store4(y, i, rows, r, s0, s1, s2, s3, scale[r]);
        }
    }

    /*
     * Eight input rows against one weight row at a time: each weight vector is loaded (and widened) once for eight
     * FMAs, and the eight accumulators plus one weight and one input vector fit AVX2's sixteen registers. On an
     * AVX2-only AMD EPYC this ran 1.3-1.7x faster than the four-row pairs at 8 rows (docs/BENCHMARKS.md); which
     * blocking serves a model is measured at load (RowProducts.Blocks).
     */

    private static void f32x8(float[] w, int cols, float[] x, int i, float[] y, int rows, int r0, int r1) {
        int xo = i * cols;
        int upper = cols - cols % L;
        for (int r = r0; r < r1; r++) {
            int wo = r * cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int k = 0;
            for (; k < upper; k += L) {
                FloatVector v = FloatVector.fromArray(F, w, wo + k);
                int o = xo + k;
                a0 = v.fma(FloatVector.fromArray(F, x, o), a0);
                a1 = v.fma(FloatVector.fromArray(F, x, o + cols), a1);
                a2 = v.fma(FloatVector.fromArray(F, x, o + 2 * cols), a2);
                a3 = v.fma(FloatVector.fromArray(F, x, o + 3 * cols), a3);
                a4 = v.fma(FloatVector.fromArray(F, x, o + 4 * cols), a4);
                a5 = v.fma(FloatVector.fromArray(F, x, o + 5 * cols), a5);
                a6 = v.fma(FloatVector.fromArray(F, x, o + 6 * cols), a6);
                a7 = v.fma(FloatVector.fromArray(F, x, o + 7 * cols), a7);
            }
            sums8(y, i, rows, r, a0, a1, a2, a3, a4, a5, a6, a7);
            if (k < cols) finish8(y, i, rows, r, 1f, k, cols, xo, x, w, wo + k);
        }
    }

    private static void bf16x8(short[] w, int cols, float[] x, int i, float[] y, int rows, int r0, int r1) {
        int xo = i * cols;
        int upper = cols - cols % L;
        float[] tail = cols == upper ? null : new float[cols - upper];
        for (int r = r0; r < r1; r++) {
            int wo = r * cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int k = 0;
            for (; k < upper; k += L) {
                FloatVector v = bf16(w, wo + k);
                int o = xo + k;
                a0 = v.fma(FloatVector.fromArray(F, x, o), a0);
                a1 = v.fma(FloatVector.fromArray(F, x, o + cols), a1);
                a2 = v.fma(FloatVector.fromArray(F, x, o + 2 * cols), a2);
                a3 = v.fma(FloatVector.fromArray(F, x, o + 3 * cols), a3);
                a4 = v.fma(FloatVector.fromArray(F, x, o + 4 * cols), a4);
                a5 = v.fma(FloatVector.fromArray(F, x, o + 5 * cols), a5);
                a6 = v.fma(FloatVector.fromArray(F, x, o + 6 * cols), a6);
                a7 = v.fma(FloatVector.fromArray(F, x, o + 7 * cols), a7);
            }
            if (tail != null) for (int t = 0; t < tail.length; t++) tail[t] = RowWeights.fromBf16(w[wo + upper + t]);
            sums8(y, i, rows, r, a0, a1, a2, a3, a4, a5, a6, a7);
            if (tail != null) finish8(y, i, rows, r, 1f, k, cols, xo, x, tail, 0);
        }
    }

    private static void int8x8(byte[] q, float[] scale, int cols, float[] x, int i, float[] y, int rows, int r0,
                               int r1) {
        int xo = i * cols;
        int upper = cols - cols % L;
        float[] tail = cols == upper ? null : new float[cols - upper];
        for (int r = r0; r < r1; r++) {
            int wo = r * cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int k = 0;
            for (; k < upper; k += L) {
                FloatVector v = int8(q, wo + k);
                int o = xo + k;
                a0 = v.fma(FloatVector.fromArray(F, x, o), a0);
                a1 = v.fma(FloatVector.fromArray(F, x, o + cols), a1);
                a2 = v.fma(FloatVector.fromArray(F, x, o + 2 * cols), a2);
                a3 = v.fma(FloatVector.fromArray(F, x, o + 3 * cols), a3);
                a4 = v.fma(FloatVector.fromArray(F, x, o + 4 * cols), a4);
                a5 = v.fma(FloatVector.fromArray(F, x, o + 5 * cols), a5);
                a6 = v.fma(FloatVector.fromArray(F, x, o + 6 * cols), a6);
                a7 = v.fma(FloatVector.fromArray(F, x, o + 7 * cols), a7);
            }
            if (tail != null) for (int t = 0; t < tail.length; t++) tail[t] = q[wo + upper + t];
            sums8(y, i, rows, r, a0, a1, a2, a3, a4, a5, a6, a7);
            finish8(y, i, rows, r, scale[r], k, cols, xo, x, tail, 0);
        }
    }

    /** y[i + j][r] = the lane sum of accumulator j. */
    private static void sums8(float[] y, int i, int rows, int r, FloatVector a0, FloatVector a1, FloatVector a2,
                              FloatVector a3, FloatVector a4, FloatVector a5, FloatVector a6, FloatVector a7) {
        int o = i * rows + r;
        y[o] = a0.reduceLanes(VectorOperators.ADD);
        y[o + rows] = a1.reduceLanes(VectorOperators.ADD);
        y[o + 2 * rows] = a2.reduceLanes(VectorOperators.ADD);
        y[o + 3 * rows] = a3.reduceLanes(VectorOperators.ADD);
        y[o + 4 * rows] = a4.reduceLanes(VectorOperators.ADD);
        y[o + 5 * rows] = a5.reduceLanes(VectorOperators.ADD);
        y[o + 6 * rows] = a6.reduceLanes(VectorOperators.ADD);
        y[o + 7 * rows] = a7.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Adds to the eight lane sums in y[i + j][r] the scalar tail, columns k … cols−1 with fp32 weights w[wo …]
     * (k ascending, as the four-row loops add it), then multiplies by {@code scale} (int8's row scale, else 1).
     */
    private static void finish8(float[] y, int i, int rows, int r, float scale, int k, int cols, int xo, float[] x,
                                float[] w, int wo) {
        for (int j = 0; j < 8; j++) {
            int o = (i + j) * rows + r;
            float v = y[o];
            for (int c = k, t = wo; c < cols; c++, t++) v += w[t] * x[xo + j * cols + c];
            y[o] = v * scale;
        }
    }

    private static void store4(float[] y, int i, int rows, int r, float s0, float s1, float s2, float s3, float s) {
        y[i * rows + r] = s0 * s;
        y[(i + 1) * rows + r] = s1 * s;
        y[(i + 2) * rows + r] = s2 * s;
        y[(i + 3) * rows + r] = s3 * s;
    }
}
