package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.testing.Tolerances;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The fused AdamW pass against the update written out in fp64, element by element. */
class FusedAdamWTest {

    @Test
    void oneFusedPassIsTheAdamWUpdateAndZeroesTheGradient() {
        // many parallel blocks (2^12 elements), and a tail that is not a multiple of one
        int n = (1 << 17) + 123;
        SplittableRandom r = new SplittableRandom(5);
        float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) r.nextGaussian();
            g[i] = (float) (r.nextGaussian() * 1e-2);
            m[i] = (float) (r.nextGaussian() * 1e-3);
            v[i] = (float) (r.nextDouble() * 1e-4);
        }
        double lr = 1e-3, wd = 0.01, scale = 0.5, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        int step = 3;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        try (PointerScope scope = new PointerScope()) {
            Tensor pt = Tensors.floats(p, n), gt = Tensors.floats(g, n), mt = Tensors.floats(m, n);
            Tensor vt = Tensors.floats(v, n);
            assertThat(FusedAdamW.applies(pt, gt, mt, vt)).isTrue();
            FusedAdamW.update(pt, gt, mt, vt, new FusedAdamW.Coefficients((float) scale, (float) (1 - lr * wd),
                    (float) (1 - beta1), (float) beta2, (float) (1 - beta2), (float) Math.sqrt(bc2), (float) eps,
                    (float) (-lr / bc1)));
            float[] p1 = Tensors.toFloats(pt), g1 = Tensors.toFloats(gt), m1 = Tensors.toFloats(mt);
            float[] v1 = Tensors.toFloats(vt);
            for (int i = 0; i < n; i += 997) {
                double gi = g[i] * scale;
                double mi = beta1 * m[i] + (1 - beta1) * gi;
                double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
                double pi = p[i] * (1 - lr * wd) - lr / bc1 * mi / (Math.sqrt(vi) / Math.sqrt(bc2) + eps);
                // a handful of fp32 roundings per element, each relative to the value it rounds
                assertThat((double) m1[i]).as("m[%d]", i).isCloseTo(mi, within(Tolerances.fp32(Math.abs(gi), 4)));
                assertThat((double) v1[i]).as("v[%d]", i).isCloseTo(vi, within(Tolerances.fp32(vi, 4)));
                assertThat((double) p1[i]).as("p[%d]", i).isCloseTo(pi, within(Tolerances.fp32(Math.abs(p[i]), 8)));
                assertThat(g1[i]).isZero();
            }
        }
    }

    @Test
    void onlyContiguousFp32BuffersOfOneSizeTakeTheFusedPass() {
        try (PointerScope scope = new PointerScope()) {
            Tensor a = Tensors.floats(new float[6], 2, 3);
            Tensor d = Tensors.doubles(new double[6], 2, 3);
            assertThat(FusedAdamW.applies(a, a.clone(), a.clone(), a.clone())).isTrue();
            assertThat(FusedAdamW.applies(d, d.clone(), d.clone(), d.clone())).isFalse();
            assertThat(FusedAdamW.applies(a, a.t(), a.clone(), a.clone())).isFalse();
        }
    }
}
