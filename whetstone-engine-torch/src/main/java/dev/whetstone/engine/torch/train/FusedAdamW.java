package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.model.Tensors;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One AdamW update of one fp32 parameter as a single pass over its four buffers (parameter, gradient, first and
 * second moment), copied block by block from native memory into Java arrays, updated there, and copied back.
 * libtorch 2.7.1's Java binding has no fused or multi-tensor AdamW, and composing the update from tensor ops costs
 * about 2.5 times the memory traffic (see {@link AdamW#update}). Blocks are updated in parallel; each element's
 * result depends on its own values only, so the split does not change it.
 */
final class FusedAdamW {
    /** Elements per block: 16 KiB of each buffer, so a block's four arrays stay in the core's L2 cache. */
    private static final int BLOCK = 1 << 12;

    private FusedAdamW() {}

    /**
     * The update's scalars, in fp32 as libtorch's fp32 kernels use them.
     *
     * @param gradScale clipping factor on the gradient (1 without clipping)
     * @param decay     1 − lr·weight_decay (1 for undecayed parameters)
     * @param oneMinusBeta1 the first moment's lerp weight
     * @param sqrtBc2   √(1 − β2^t), the second moment's bias correction
     * @param stepSize  −lr / (1 − β1^t)
     */
    record Coefficients(float gradScale, float decay, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                        float sqrtBc2, float eps, float stepSize) {}

    /** Whether all four tensors are contiguous fp32 buffers of the same size (the fused pass applies). */
    static boolean applies(Tensor p, Tensor g, Tensor m, Tensor v) {
        for (Tensor t : new Tensor[] {p, g, m, v}) {
            if (Tensors.type(t) != ScalarType.Float || !t.is_contiguous() || t.numel() != p.numel()) return false;
        }
        return true;
    }

    /**
     * p ← p·decay − stepSize'·m̂/(√v̂ + ε) with m ← lerp(m, g', 1−β1), v ← β2·v + (1−β2)·g'², g' = g·gradScale, as
     * {@code torch.optim.AdamW} defines it; g ← 0.
     */
    static void update(Tensor p, Tensor g, Tensor m, Tensor v, Coefficients c) {
        long n = p.numel();
        FloatPointer pp = p.data_ptr_float(), gp = g.data_ptr_float(), mp = m.data_ptr_float();
        FloatPointer vp = v.data_ptr_float();
        int blocks = (int) ((n + BLOCK - 1) / BLOCK);
        IntStream range = IntStream.range(0, blocks);
        (blocks > 1 ? range.parallel() : range).forEach(b -> {
            long from = (long) b * BLOCK;
            int len = (int) Math.min(BLOCK, n - from);
            Block k = BLOCKS.get();
            // copy in (memcpy), one vectorisable loop over Java arrays, copy out: the arrays stay in L1/L2
            new FloatPointer(pp).position(from).get(k.p, 0, len);
            new FloatPointer(gp).position(from).get(k.g, 0, len);
            new FloatPointer(mp).position(from).get(k.m, 0, len);
            new FloatPointer(vp).position(from).get(k.v, 0, len);
            pass(k.p, k.g, k.m, k.v, len, c);
            new FloatPointer(pp).position(from).put(k.p, 0, len);
            new FloatPointer(mp).position(from).put(k.m, 0, len);
            new FloatPointer(vp).position(from).put(k.v, 0, len);
            new FloatPointer(gp).position(from).put(ZEROS, 0, len);
        });
    }

    /** One thread's copies of a block of the four buffers. */
    private record Block(float[] p, float[] g, float[] m, float[] v) {}

    private static final ThreadLocal<Block> BLOCKS = ThreadLocal.withInitial(
            () -> new Block(new float[BLOCK], new float[BLOCK], new float[BLOCK], new float[BLOCK]));
    private static final float[] ZEROS = new float[BLOCK];

    private static void pass(float[] ps, float[] gs, float[] ms, float[] vs, int len, Coefficients c) {
        float scale = c.gradScale();
        float decay = c.decay();
        float w1 = c.oneMinusBeta1();
        float b2 = c.beta2();
        float w2 = c.oneMinusBeta2();
        float sqrtBc2 = c.sqrtBc2();
        float eps = c.eps();
        float step = c.stepSize();
        for (int i = 0; i < len; i++) {
            float g = gs[i] * scale;
            float m = ms[i] + w1 * (g - ms[i]);                     // lerp, weight < 0.5: start + w·(end − start)
            float v = vs[i] * b2 + w2 * g * g;
            float denom = (float) Math.sqrt(v) / sqrtBc2 + eps;
            ps[i] = ps[i] * decay + step * (m / denom);
            ms[i] = m;
            vs[i] = v;
        }
    }
}
