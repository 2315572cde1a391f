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

    void step(double lr) {
        steps++;
        double bc1 = 1 - Math.pow(BETA1, steps);
        double bc2 = 1 - Math.pow(BETA2, steps);
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            params.forEach((n, p) -> {
                Tensor g = p.grad();
                if (!g.defined()) return;
                if (weightDecay > 0 && p.dim() > 1) p.mul_(Tensors.scalar(1 - lr * weightDecay));
                Tensor m = expAvg.get(n);
                Tensor v = expAvgSq.get(n);
                m.lerp_(g, Tensors.scalar(1 - BETA1));
                v.mul_(Tensors.scalar(BETA2)).addcmul_(g, g, Tensors.scalar(1 - BETA2));
                Tensor denom = v.sqrt().div_(Tensors.scalar(Math.sqrt(bc2))).add_(Tensors.scalar(EPS));
                p.addcdiv_(m, denom, Tensors.scalar(-lr / bc1));
            });
        }
    }

    /** Scales all gradients so their global L2 norm is at most {@code max}; returns the norm before clipping. */
    double clipGradNorm(double max) {
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            double sq = 0;
            for (Tensor p : params.values()) {
                Tensor g = p.grad();
                if (!g.defined()) continue;
                double n = Tensors.item(g.norm());
                sq += n * n;
            }
            double norm = Math.sqrt(sq);
            if (norm > max) {
                double coef = max / (norm + 1e-6);
                for (Tensor p : params.values()) {
                    Tensor g = p.grad();
                    if (g.defined()) g.mul_(Tensors.scalar(coef));
                }
            }
            return norm;
        }
    }

    void zeroGrad() {
        try (PointerScope scope = new PointerScope()) {
            for (Tensor p : params.values()) {
                Tensor g = p.grad();
                if (g.defined()) g.zero_();
            }
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
