package dev.whetstone.engine.torch.kernel;

import java.util.function.IntConsumer;

/**
 * The non-product pieces of a decode step computed on the host, over fp32 rows in Java arrays: RMSNorm, rotary
 * positions, SiLU gating, residual adds and cached softmax attention (see {@code model.HostDecoder}). Callable only
 * where {@link RowProducts#available()}.
 */
public final class HostOps {
    private HostOps() {}

    /**
     * RMSNorm of {@code n} values at x[xo…]: out = x / √(mean(x²) + eps) · w, fp32 (transformers' LlamaRMSNorm
     * computes the statistics in fp32 too).
     */
    public static void rmsNorm(float[] x, int xo, int n, float[] w, double eps, float[] out, int oo) {
        float r = (float) (1.0 / Math.sqrt(VectorOps.sumOfSquares(x, xo, n) / n + eps));
        VectorOps.scaleBy(x, xo, n, r, w, out, oo);
    }

    /** out[oo + k] = silu(gate[go + k]) · up[uo + k] for k < n (the SwiGLU MLP's middle). */
    public static void siluMul(float[] gate, int go, float[] up, int uo, int n, float[] out, int oo) {
        VectorOps.siluMul(gate, go, up, uo, n, out, oo);
    }

    /** y[yo + k] += x[xo + k] for k < n. */
    public static void addInto(float[] y, int yo, float[] x, int xo, int n) { VectorOps.addInto(y, yo, x, xo, n); }

    /**
     * Rotates {@code heads} consecutive heads of {@code hd} values at v[off…] in transformers' "rotate half" layout:
     * for i < hd/2, (x_i, x_{i+hd/2}) → (x_i·cos_i − x_{i+hd/2}·sin_i, x_{i+hd/2}·cos_i + x_i·sin_i).
     */
    public static void rope(float[] v, int off, int heads, int hd, float[] cos, float[] sin) {
        int half = hd / 2;
        for (int h = 0; h < heads; h++) {
            int o = off + h * hd;
            for (int i = 0; i < half; i++) {
                float a = v[o + i];
                float b = v[o + i + half];
                v[o + i] = a * cos[i] - b * sin[i];
                v[o + i + half] = b * cos[i] + a * sin[i];
            }
        }
    }

    /**
     * One query head's attention over cached positions from … to (inclusive), keys and values position-major
     * (position t's head at {@code base + t · stride}); {@code scores} holds at least to − from + 1 floats.
     */
    public static void attendHead(float[] q, int qo, float[] keys, float[] values, int base, int stride, int from,
                                  int to, int hd, float scale, float[] scores, float[] out, int oo) {
        VectorOps.attendHead(q, qo, keys, values, base, stride, from, to, hd, scale, scores, out, oo);
    }

    /** Runs body(0 … n−1) on the decode threads (the caller among them); returns when all are done. */
    public static void parallel(int n, IntConsumer body) { RowProducts.parallel(n, body); }
}
