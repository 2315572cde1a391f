package dev.whetstone.engine.torch.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise and attention loops of a decode step on the host ({@link HostOps}): fp32 throughout, in the
 * CPU's widest float vector. Sizes are a step's: a hidden row of 576–4096 values, a head of 64–128, a few thousand
 * cached positions; everything here is cheap next to the products, and exists so that a step never leaves the
 * Java heap. Loaded only when the jdk.incubator.vector module is present.
 */
final class VectorOps {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private VectorOps() {}

    static float sumOfSquares(float[] x, int off, int n) {
        FloatVector a = FloatVector.zero(F);
        int k = 0;
        for (int upper = n - n % L; k < upper; k += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + k);
            a = v.fma(v, a);
        }
        float s = a.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) s += x[off + k] * x[off + k];
        return s;
    }

    /** out[oo + k] = x[xo + k] · r · w[k] for k < n. */
    static void scaleBy(float[] x, int xo, int n, float r, float[] w, float[] out, int oo) {
        int k = 0;
        for (int upper = n - n % L; k < upper; k += L) {
            FloatVector.fromArray(F, x, xo + k).mul(r).mul(FloatVector.fromArray(F, w, k)).intoArray(out, oo + k);
        }
        for (; k < n; k++) out[oo + k] = x[xo + k] * r * w[k];
    }

    /** out[oo + k] = silu(gate[go + k]) · up[uo + k] for k < n; silu(g) = g / (1 + e^−g). */
    static void siluMul(float[] gate, int go, float[] up, int uo, int n, float[] out, int oo) {
        int k = 0;
        for (int upper = n - n % L; k < upper; k += L) {
            FloatVector g = FloatVector.fromArray(F, gate, go + k);
            FloatVector s = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
            s.mul(FloatVector.fromArray(F, up, uo + k)).intoArray(out, oo + k);
        }
        for (; k < n; k++) {
            float g = gate[go + k];
            out[oo + k] = (float) (g / (1 + Math.exp(-g))) * up[uo + k];
        }
    }

    /** y[yo + k] += x[xo + k] for k < n. */
    static void addInto(float[] y, int yo, float[] x, int xo, int n) {
        int k = 0;
        for (int upper = n - n % L; k < upper; k += L) {
            FloatVector.fromArray(F, y, yo + k).add(FloatVector.fromArray(F, x, xo + k)).intoArray(y, yo + k);
        }
        for (; k < n; k++) y[yo + k] += x[xo + k];
    }

    /**
     * One query head's softmax attention over cached positions from … to (inclusive): scores scale · q·k_t, their
     * softmax (max subtracted), then out = Σ_t p_t · v_t. Keys and values are position-major: position t's head
     * starts at {@code base + t · stride}. {@code scores} holds at least to − from + 1 floats.
     */
    static void attendHead(float[] q, int qo, float[] keys, float[] values, int base, int stride, int from, int to,
                           int hd, float scale, float[] scores, float[] out, int oo) {
        int n = to - from + 1;
        int upper = hd - hd % L;
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            int ko = base + (from + t) * stride;
            FloatVector a = FloatVector.zero(F);
            int k = 0;
            for (; k < upper; k += L) {
                a = FloatVector.fromArray(F, q, qo + k).fma(FloatVector.fromArray(F, keys, ko + k), a);
            }
            float s = a.reduceLanes(VectorOperators.ADD);
            for (; k < hd; k++) s += q[qo + k] * keys[ko + k];
            s *= scale;
            scores[t] = s;
            max = Math.max(max, s);
        }
        FloatVector sum = FloatVector.zero(F);
        int t = 0;
        for (int up = n - n % L; t < up; t += L) {
            FloatVector e = FloatVector.fromArray(F, scores, t).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(scores, t);
            sum = sum.add(e);
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        for (; t < n; t++) {
            scores[t] = (float) Math.exp(scores[t] - max);
            total += scores[t];
        }
        float inv = 1f / total;
        // Σ_u p_u · v_u four vectors of the head at a time: four independent FMA chains per position (one chain
        // over the positions was bound by the FMA's latency, not its rate)
        int k = 0;
        for (; k + 4 * L <= upper; k += 4 * L) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int u = 0; u < n; u++) {
                FloatVector p = FloatVector.broadcast(F, scores[u]);
                int vo = base + (from + u) * stride + k;
                a0 = p.fma(FloatVector.fromArray(F, values, vo), a0);
                a1 = p.fma(FloatVector.fromArray(F, values, vo + L), a1);
                a2 = p.fma(FloatVector.fromArray(F, values, vo + 2 * L), a2);
                a3 = p.fma(FloatVector.fromArray(F, values, vo + 3 * L), a3);
            }
            a0.mul(inv).intoArray(out, oo + k);
            a1.mul(inv).intoArray(out, oo + k + L);
            a2.mul(inv).intoArray(out, oo + k + 2 * L);
            a3.mul(inv).intoArray(out, oo + k + 3 * L);
        }
        for (; k < upper; k += L) {
            FloatVector a = FloatVector.zero(F);
            for (int u = 0; u < n; u++) {
                a = FloatVector.broadcast(F, scores[u]).fma(FloatVector.fromArray(F, values, base + (from + u) * stride + k), a);
            }
            a.mul(inv).intoArray(out, oo + k);
        }
        for (; k < hd; k++) {
            float s = 0;
            for (int u = 0; u < n; u++) s += scores[u] * values[base + (from + u) * stride + k];
            out[oo + k] = s * inv;
        }
    }
}
