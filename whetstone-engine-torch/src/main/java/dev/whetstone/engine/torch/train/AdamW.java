package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * AdamW as {@code torch.optim.AdamW} computes it (decoupled weight decay, bias-corrected moments), with the moments
 * held in our own tensors so a resume state can store and restore them exactly. Parameters are fp32 masters.
 */
final class AdamW implements AutoCloseable {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final Map<String, Tensor> params;
    private final Map<String, Tensor> expAvg = new LinkedHashMap<>();
    private final Map<String, Tensor> expAvgSq = new LinkedHashMap<>();
    private final double weightDecay;
    private int steps;

    /**
     * Weight decay applies to matrices only; norms and biases (1-D) are not decayed. Every parameter gets a zero
     * gradient buffer now, reused (zeroed) every step: no per-step allocation, and the loss can add the output
     * head's gradient straight into it.
     */
    AdamW(Map<String, Tensor> params, double weightDecay) {
        this.params = params;
        this.weightDecay = weightDecay;
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            params.forEach((n, p) -> {
                expAvg.put(n, Tensors.retain(torch.zeros_like(p)));
                expAvgSq.put(n, Tensors.retain(torch.zeros_like(p)));
                if (!p.grad().defined()) p.mutable_grad().put(torch.zeros_like(p));
            });
        }
    }

    int steps() { return steps; }

    /**
     * Clips the gradients to a global L2 norm of {@code maxGradNorm}, applies one AdamW update with rate {@code lr}
     * and leaves the gradients zeroed; returns the norm before clipping.
     *
     * <p>Each fp32 parameter is updated by one fused pass over its parameter, gradient and moment buffers (the
     * clipping factor folded in, the gradient zeroed as it is read): 9 array passes (the norm's read, then one read
     * and one write of each buffer) instead of the ~23 that clip, the eight tensor ops of the update and the zeroing
     * take one by one, with no temporaries. For full fine-tuning of a 135M model that is ~5 GB of memory traffic a
     * step instead of ~12 GB. Every element's update depends on
     * that element alone, so splitting the work over threads does not change the result.
     */
    double update(double lr, double maxGradNorm) {
        double norm = gradNorm();
        float scale = norm > maxGradNorm ? (float) (maxGradNorm / (norm + 1e-6)) : 1f;
        steps++;
        double bc1 = 1 - Math.pow(BETA1, steps);
        double bc2 = 1 - Math.pow(BETA2, steps);
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            params.forEach((n, p) -> {
                Tensor g = p.grad();
                if (!g.defined()) return;
                double decay = weightDecay > 0 && p.dim() > 1 ? 1 - lr * weightDecay : 1;
                Tensor m = expAvg.get(n);
                Tensor v = expAvgSq.get(n);
                if (FusedAdamW.applies(p, g, m, v)) {
                    FusedAdamW.update(p, g, m, v, new FusedAdamW.Coefficients(scale, (float) decay,
                            (float) (1 - BETA1), (float) BETA2, (float) (1 - BETA2), (float) Math.sqrt(bc2),
                            (float) EPS, (float) (-lr / bc1)));
                    return;
                }
                // other dtypes (fp64 gradient checks): the same update as tensor ops
                if (scale != 1f) g.mul_(Tensors.scalar(scale));
                if (decay != 1) p.mul_(Tensors.scalar(decay));
                m.lerp_(g, Tensors.scalar(1 - BETA1));
                v.mul_(Tensors.scalar(BETA2)).addcmul_(g, g, Tensors.scalar(1 - BETA2));
                Tensor denom = v.sqrt().div_(Tensors.scalar(Math.sqrt(bc2))).add_(Tensors.scalar(EPS));
                p.addcdiv_(m, denom, Tensors.scalar(-lr / bc1));
                g.zero_();
            });
        }
        return norm;
    }

    /** The global L2 norm of all gradients (per tensor in libtorch, summed in order here). */
    private double gradNorm() {
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            double sq = 0;
            for (Tensor p : params.values()) {
                Tensor g = p.grad();
                if (!g.defined()) continue;
                double n = Tensors.item(g.norm());
                sq += n * n;
            }
            return Math.sqrt(sq);
        }
    }

    /** Moments by "name.exp_avg" / "name.exp_avg_sq", for the resume state. */
    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        expAvg.forEach((n, t) -> out.put(n + ".exp_avg", t));
        expAvgSq.forEach((n, t) -> out.put(n + ".exp_avg_sq", t));
        return out;
    }

    void load(Map<String, Tensor> state, int steps) {
        try (NoGrad ng = NoGrad.enter()) {
            expAvg.forEach((n, t) -> t.copy_(require(state, n + ".exp_avg")));
            expAvgSq.forEach((n, t) -> t.copy_(require(state, n + ".exp_avg_sq")));
        }
        this.steps = steps;
    }

    private static Tensor require(Map<String, Tensor> state, String name) {
        Tensor t = state.get(name);
        if (t == null) throw new IllegalStateException("resume state lacks optimizer tensor '" + name + "'");
        return t;
    }

    @Override
    public void close() {
        expAvg.values().forEach(Tensor::releaseReference);
        expAvgSq.values().forEach(Tensor::releaseReference);
        expAvg.clear();
        expAvgSq.clear();
    }
}
