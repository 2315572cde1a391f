package dev.whetstone.engine.torch.model;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Rotary position embedding in the Hugging Face "rotate half" layout: the first and second halves of a head's
 * rotary part (its first rotaryDim dimensions; all of them unless partial_rotary_factor says less) form the (x, y)
 * pairs rotated by angle position × invFreq[i]; the remaining dimensions pass through.
 */
final class Rope {
    private final double[] invFreq;
    /** Phi-3 longrope: the frequencies of sequences beyond the pre-training context, else null. */
    private final double[] longInvFreq;
    private final LongRope longRope;

    Rope(ModelConfig c) {
        this(c.rotaryDim(), c.ropeTheta(), c.ropeScaling(), c.longRope());
    }

    /** @param scaling null when unscaled */
    Rope(int rotaryDim, double theta, RopeScaling scaling) {
        this(rotaryDim, theta, scaling, null);
    }

    private Rope(int rotaryDim, double theta, RopeScaling scaling, LongRope longRope) {
        int half = rotaryDim / 2;
        double[] f = new double[half];
        for (int i = 0; i < half; i++) f[i] = 1.0 / Math.pow(theta, (2.0 * i) / rotaryDim);
        this.longRope = longRope;
        if (longRope != null) {
            // 1 / (ext_factor[i] · θ^(2i/d)): each pair's frequency divided by its factor
            double[] s = new double[half];
            double[] l = new double[half];
            for (int i = 0; i < half; i++) {
                s[i] = f[i] / longRope.shortFactor()[i];
                l[i] = f[i] / longRope.longFactor()[i];
            }
            this.invFreq = s;
            this.longInvFreq = l;
        } else {
            this.invFreq = scaling == null ? f : scaling.apply(f);
            this.longInvFreq = null;
        }
    }

    double[] inverseFrequencies() { return invFreq.clone(); }

    /** Whether a cached pass that feeds position {@code position} is the first of its sequence past longrope's switch. */
    boolean switchesAt(long position) { return longRope != null && position == longRope.originalMaxPositions(); }

    /**
     * cos and signed sin tables for the given positions (B, T) int64, each (B, T, rotaryDim) in {@code type}; angles
     * are computed in fp64 so long positions keep their precision before the cast. Longrope picks each row's factors
     * by its sequence length: {@code lengths[b]}, or the row's largest position + 1 when null (transformers'
     * max(position_ids) + 1, taken per row so that a row never depends on its batch mates).
     */
    Tables tables(Tensor positions, ScalarType type, long[] lengths) {
        Tensor ang = angles(positions, invFreq);                                 // (B, T, rd/2)
        double scale = 1;
        if (longRope != null) {
            long b = positions.size(0);
            Tensor rowLength = lengths != null ? Tensors.longs(lengths, b)
                    : positions.amax(new long[] {1}, false).add(Tensors.scalar(1));
            Tensor useLong = rowLength.gt(Tensors.scalar(longRope.originalMaxPositions())).view(b, 1, 1);
            ang = torch.where(useLong, angles(positions, longInvFreq), ang);
            scale = longRope.attentionFactor();
        }
        Tensor cos = Tensors.cat(List.of(ang, ang), -1).cos();                 // (B, T, rd)
        Tensor sin = ang.sin();
        Tensor signedSin = Tensors.cat(List.of(sin.neg(), sin), -1);
        if (scale != 1) {
            // transformers scales cos and sin by the attention factor (Phi-3's mscale), in both regimes
            cos = cos.mul(Tensors.scalar(scale));
            signedSin = signedSin.mul(Tensors.scalar(scale));
        }
        return new Tables(cos.to(type), signedSin.to(type));
    }

    private static Tensor angles(Tensor positions, double[] freq) {
        return positions.to(ScalarType.Double).unsqueeze(-1).mul(Tensors.doubles(freq, freq.length));
    }

    /**
     * x (…, T, hd) rotated: x·cos + rotate_half(x)·sin, with rotate_half(x) = [−x₂, x₁] written as
     * roll(x, hd/2)·[−sin, sin] — the same arithmetic in three passes instead of five (no neg, no cat).
     * cos/sin broadcast from (B, 1…, T, rd); with rd < hd only the first rd dimensions rotate (partial rotary).
     */
    static Tensor apply(Tensor x, Tensor cos, Tensor signedSin) {
        long rd = cos.size(-1);
        long hd = x.size(-1);
        if (rd < hd) {
            Tensor rot = apply(x.narrow(-1, 0, rd), cos, signedSin);
            return Tensors.cat(List.of(rot, x.narrow(-1, rd, hd - rd)), -1);
        }
        Tensor rolled = x.roll(new long[] {hd / 2}, new long[] {-1});
        return x.mul(cos).addcmul_(rolled, signedSin);
    }

    /** cos(pos·f) and [−sin(pos·f), sin(pos·f)] over the rotary dimensions. */
    record Tables(Tensor cos, Tensor signedSin) {}
}
