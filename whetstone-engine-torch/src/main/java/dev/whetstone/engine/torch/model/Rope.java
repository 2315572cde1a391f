package dev.whetstone.engine.torch.model;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Rotary position embedding in the Hugging Face "rotate half" layout: a head vector's first and second halves
 * form the (x, y) pairs rotated by angle position × invFreq[i].
 */
final class Rope {
    private final double[] invFreq;

    Rope(ModelConfig c) {
        int half = c.headDim() / 2;
        double[] f = new double[half];
        for (int i = 0; i < half; i++) f[i] = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headDim());
        this.invFreq = c.ropeScaling() == null ? f : c.ropeScaling().apply(f);
    }

    double[] inverseFrequencies() { return invFreq.clone(); }

    /**
     * cos and sin tables for the given positions (B, T) int64, each (B, T, headDim) in {@code type}; angles are
     * computed in fp64 so long positions keep their precision before the cast.
     */
    Tables tables(Tensor positions, ScalarType type) {
        Tensor inv = Tensors.doubles(invFreq, invFreq.length);
        Tensor ang = positions.to(ScalarType.Double).unsqueeze(-1).mul(inv);   // (B, T, hd/2)
        Tensor full = Tensors.cat(List.of(ang, ang), -1);                      // (B, T, hd)
        return new Tables(full.cos().to(type), full.sin().to(type));
    }

    /** x (…, T, hd) rotated; cos/sin broadcast from (B, 1…, T, hd). */
    static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
        long half = x.size(-1) / 2;
        Tensor x1 = x.narrow(-1, 0, half);
        Tensor x2 = x.narrow(-1, half, half);
        Tensor rotated = Tensors.cat(List.of(x2.neg(), x1), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    record Tables(Tensor cos, Tensor sin) {}
}
