package dev.whetstone.engine.torch.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.whetstone.testing.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host decode steps' element-wise and attention loops against float64 formulations, at sizes that are and are
 * not multiples of the vector width (the tails run scalar code): fp32 results within fp32 rounding of the
 * operation count (a sum of n terms, a softmax over n keys).
 */
class HostOpsTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 37, 64, 576})
    void rmsNormSiluAndAddEqualFloat64(int n) {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        SplittableRandom r = new SplittableRandom(n);
        float[] x = random(r, n + 3, 3);
        float[] w = random(r, n, 1);
        float[] out = new float[n + 2];
        HostOps.rmsNorm(x, 3, n, w, 1e-5, out, 2);
        double ss = 0;
        for (int k = 0; k < n; k++) ss += (double) x[3 + k] * x[3 + k];
        double inv = 1 / Math.sqrt(ss / n + 1e-5);
        for (int k = 0; k < n; k++) {
            double expected = x[3 + k] * inv * w[k];
            assertThat((double) out[2 + k]).as("rmsNorm %d", k)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(Tolerances.fp32(3 * Math.abs(expected) + 1e-30, n)));
        }
        float[] gate = random(r, n, 6);
        float[] up = random(r, n, 2);
        float[] act = new float[n];
        HostOps.siluMul(gate, 0, up, 0, n, act, 0);
        for (int k = 0; k < n; k++) {
            double expected = gate[k] / (1 + Math.exp(-gate[k])) * up[k];
            assertThat((double) act[k]).as("silu %d", k)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(Tolerances.fp32(Math.abs(expected) + 1e-30, 8)));
        }
        float[] y = random(r, n, 1);
        float[] before = y.clone();
        HostOps.addInto(y, 0, up, 0, n);
        for (int k = 0; k < n; k++) assertThat(y[k]).isEqualTo(before[k] + up[k]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 16, 40, 130})
    void cachedAttentionEqualsFloat64Softmax(int positions) {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        int hd = 24;                  // not a multiple of 16: the last 8 dimensions run the scalar tail
        int kvHeads = 2;
        int stride = kvHeads * hd;
        SplittableRandom r = new SplittableRandom(positions);
        float[] q = random(r, hd, 1);
        float[] keys = random(r, positions * stride, 1);
        float[] values = random(r, positions * stride, 1);
        int head = 1;
        int from = positions / 3;
        int to = positions - 1;
        float scale = (float) (1 / Math.sqrt(hd));
        float[] out = new float[hd];
        HostOps.attendHead(q, 0, keys, values, head * hd, stride, from, to, hd, scale, new float[positions], out, 0);
        double[] s = new double[positions];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = from; t <= to; t++) {
            double d = 0;
            for (int k = 0; k < hd; k++) d += (double) q[k] * keys[t * stride + head * hd + k];
            s[t] = d * scale;
            max = Math.max(max, s[t]);
        }
        double sum = 0;
        for (int t = from; t <= to; t++) sum += Math.exp(s[t] - max);
        for (int k = 0; k < hd; k++) {
            double expected = 0;
            for (int t = from; t <= to; t++) expected += Math.exp(s[t] - max) / sum * values[t * stride + head * hd + k];
            assertThat((double) out[k]).as("dimension %d", k)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(Tolerances.fp32(1, hd + positions)));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 24, 64})
    void ropeRotatesHalfPairs(int hd) {
        assumeTrue(RowProducts.available(), "jdk.incubator.vector is not present");
        SplittableRandom r = new SplittableRandom(hd);
        float[] v = random(r, 2 * hd, 1);
        float[] original = v.clone();
        float[] cos = new float[hd / 2];
        float[] sin = new float[hd / 2];
        for (int i = 0; i < hd / 2; i++) {
            double angle = 5 * Math.pow(10000, -2.0 * i / hd);
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
        }
        HostOps.rope(v, 0, 2, hd, cos, sin);
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < hd / 2; i++) {
                double a = original[h * hd + i];
                double b = original[h * hd + i + hd / 2];
                assertThat((double) v[h * hd + i]).isCloseTo(a * cos[i] - b * sin[i], org.assertj.core.data.Offset.offset(1e-6));
                assertThat((double) v[h * hd + i + hd / 2]).isCloseTo(b * cos[i] + a * sin[i], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble(-scale, scale);
        return v;
    }
}
