package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.model.LinearAdapter;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Per-sequence LoRA on one shared base linear layer: each adapter's rows of the batch get that adapter's delta,
 * rows of other adapters or of none get nothing. Installed only for passes whose batch holds an adapter, so the
 * bare base pays nothing.
 */
final class AdapterRouter implements LinearAdapter {
    private final String linearName;
    private final RowRouting routing;

    AdapterRouter(String linearName, RowRouting routing) {
        this.linearName = linearName;
        this.routing = routing;
    }

    @Override
    public Tensor delta(Tensor x) {
        throw new UnsupportedOperationException("AdapterRouter applies per row; call apply(x, y)");
    }

    /** x (B, T, in), y (B, T, out): y[rows] += B'(A(x[rows])) per adapter group, in place. */
    @Override
    public Tensor apply(Tensor x, Tensor y) {
        for (RowRouting.Group g : routing.groups()) {
            LoraWeights.Pair p = g.weights().pair(linearName);
            if (p == null) continue;
            if (g.index() == null) {
                Tensor xs = x.narrow(0, g.start(), g.count());
                y.narrow(0, g.start(), g.count()).add_(torch.linear(torch.linear(xs, p.a()), p.scaledB()));
            } else {
                Tensor d = torch.linear(torch.linear(x.index_select(0, g.index()), p.a()), p.scaledB());
                y.index_add_(0, g.index(), d);
            }
        }
        return y;
    }
}
