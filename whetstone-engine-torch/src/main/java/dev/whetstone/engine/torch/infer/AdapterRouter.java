package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.model.LinearAdapter;
import java.util.List;
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
        List<RowRouting.Group> groups = routing.groups();
        if (groups.size() == 1 && groups.get(0).count() == x.size(0) && groups.get(0).index() == null) {
            // the whole batch on one adapter (batch 1 always): no slicing, three native calls
            LoraWeights.Pair p = groups.get(0).weights().pair(linearName);
            if (p == null) return y;
            if (x.numel() == p.a().size(1) && p.fp32()) {
                // one fp32 row: matrix-vector products; a one-row fp32 GEMM wakes OpenBLAS's threads for a few
                // microseconds of work and cost 19x the bare step in the benchmark
                return y.add_(p.scaledB().mv(p.a().mv(x.reshape(-1))).view(y.shape()));
            }
            return y.add_(torch.linear(torch.linear(x, p.a()), p.scaledB()));
        }
        for (RowRouting.Group g : groups) {
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
