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
        this(c.headDim(), c.ropeTheta(), c.ropeScaling());
    }

    /** @param scaling null when unscaled */
    Rope(int headDim, double theta, RopeScaling scaling) {
        int half = headDim / 2;
        double[] f = new double[half];
        for (int i = 0; i < half; i++) f[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
        this.invFreq = scaling == null ? f : scaling.apply(f);
    }

    double[] inverseFrequencies() { return invFreq.clone(); }

    /**
     * cos and signed sin tables for the given positions (B, T) int64, each (B, T, headDim) in {@code type}; angles
     * are computed in fp64 so long positions keep their precision before the cast.
     */
    Tables tables(Tensor positions, ScalarType type) {
        Tensor inv = Tensors.doubles(invFreq, invFreq.length);
        Tensor ang = positions.to(ScalarType.Double).unsqueeze(-1).mul(inv);   // (B, T, hd/2)
        Tensor cos = Tensors.cat(List.of(ang, ang), -1).cos();                 // (B, T, hd)
        Tensor sin = ang.sin();
        return new Tables(cos.to(type), Tensors.cat(List.of(sin.neg(), sin), -1).to(type));
    }

    /**
     * x (…, T, hd) rotated: x·cos + rotate_half(x)·sin, with rotate_half(x) = [−x₂, x₁] written as
     * roll(x, hd/2)·[−sin, sin] — the same arithmetic in three passes instead of five (no neg, no cat).
     * cos/sin broadcast from (B, 1…, T, hd).
     */
    static Tensor apply(Tensor x, Tensor cos, Tensor signedSin) {
        Tensor rolled = x.roll(new long[] {x.size(-1) / 2}, new long[] {-1});
        return x.mul(cos).addcmul_(rolled, signedSin);
    }

    /** cos(pos·f) and [−sin(pos·f), sin(pos·f)] over the head dimension. */
    record Tables(Tensor cos, Tensor signedSin) {}
}
