package dev.whetstone.engine.torch.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Several projections of the same input stacked into one weight (q/k/v, or gate/up): one product per layer
 * instead of three (two). At batch 1 on CPU that saves the per-call overhead and the BLAS thread wake-ups of the
 * smaller calls; in LoRA training it also stacks the adapters (see {@link #forward}). The parts' own weight
 * tensors are re-pointed at their rows of the stacked weight ({@code set_}), so no weight is held twice and
 * in-place changes through either stay visible to both.
 */
final class FusedLinear {
    private final Linear fused;
    private final List<Linear> parts;
    private final long[] sizes;

    private FusedLinear(Linear fused, List<Linear> parts, long[] sizes) {
        this.fused = fused;
        this.parts = parts;
        this.sizes = sizes;
    }

    /** Whether {@link #of} can stack the parts: all of them have a bias, or none has. */
    static boolean stackable(List<Linear> parts) {
        return parts.stream().allMatch(p -> p.bias() != null) || parts.stream().allMatch(p -> p.bias() == null);
    }

    /** Stacks the parts' weights (and biases, when all have one); null when they cannot be stacked. */
    static FusedLinear of(List<Linear> parts) {
        if (!stackable(parts)) return null;
        boolean biases = parts.get(0).bias() != null;
        long[] sizes = new long[parts.size()];
        List<Tensor> weights = new ArrayList<>();
        List<Tensor> biasList = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = parts.get(i).outFeatures();
            weights.add(parts.get(i).weight());
            if (biases) biasList.add(parts.get(i).bias());
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor w = Tensors.retain(Tensors.cat(weights, 0));
            Tensor b = biases ? Tensors.retain(Tensors.cat(biasList, 0)) : null;
            long row = 0;
            for (int i = 0; i < sizes.length; i++) {
                parts.get(i).weight().set_(w.narrow(0, row, sizes[i]));
                if (biases) parts.get(i).bias().set_(b.narrow(0, row, sizes[i]));
                row += sizes[i];
            }
            return new FusedLinear(new Linear(parts.get(0).name() + "+fused", w, b, parts.get(0).castTo()),
                    List.copyOf(parts), sizes);
        }
    }

    /**
     * x (…, in) → the parts' outputs (…, out_i), views of one product; a part's adapter (serving's per-row LoRA)
     * adds its delta into its view in place. While autograd records (LoRA training), {@link #forwardRecorded}
     * instead.
     */
    Tensor[] forward(Tensor x) {
        if (GradMode.is_enabled()) {
            Tensor[] recorded = forwardRecorded(x);
            if (recorded != null) return recorded;
        }
        List<LinearAdapter> adapters = new ArrayList<>(parts.size());
        for (Linear p : parts) adapters.add(p.adapter());
        Tensor rows = fused.rowProduct(x, adapters, sizes);
        if (rows != null) {
            // the decode kernels added the adapters already
            Tensor[] out = new Tensor[sizes.length];
            long col = 0;
            for (int i = 0; i < sizes.length; i++) {
                out[i] = rows.narrow(-1, col, sizes[i]);
                col += sizes[i];
            }
            return out;
        }
        Tensor y = fused.forward(x);
        Tensor[] out = new Tensor[sizes.length];
        long col = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = y.narrow(-1, col, sizes[i]);
            LinearAdapter adapter = parts.get(i).adapter();
            if (adapter != null) out[i] = adapter.apply(x, out[i]);
            col += sizes[i];
        }
        return out;
    }

    /**
     * Under autograd, with plain LoRA (or none) on the parts: the stacked base product y = x·Wᵀ (M, Σout), the
     * adapters' inputs stacked into one product z = x·[A₁; A₂; …]ᵀ (M, Σr) and their updates into one more,
     * y += s · z·B̂ᵀ with B̂ = block_diag(B₁, B₂, …) (Σout, Σr) — a part without adapter is an (out_i, 0) block,
     * zero rows — accumulated into y by the product itself (addmm_), then split_with_sizes. Per q/k/v
     * (SmolLM2-135M: M = 1 024, Σout = 960, Σr = 48) that is 3 products instead of 9, one cast for all A's and one
     * for all B's instead of 6, no separate scale and add passes over (M, out_i), and one backward node for the
     * split (a cat of the parts' gradients) where the views of one product would each fill an (M, Σout) buffer.
     * The zeros of B̂ cost 2·M·Σout·Σr·(1 − 1/parts) FLOPs, 0.06 GFLOP here against 1.1 for the base product.
     * Each adapter's dropout (training) draws its own mask, in part order, as the separate projections do; the A
     * products are then one per part. Every output element is the same sum as with the parts one by one (the zero
     * blocks add exact zeros); the update is added in the product's accumulator before the one rounding to the
     * activations' dtype, where PEFT rounds it first. Null when some part's adapter is not plain LoRA or switched
     * off, or the parts' scalings differ (the per-part path then applies them).
     */
    private Tensor[] forwardRecorded(Tensor x) {
        int n = parts.size();
        LinearAdapter.LowRank[] lr = new LinearAdapter.LowRank[n];
        long rank = 0;
        boolean dropout = false;
        double scaling = 0;
        LinearAdapter.LowRank first = null;
        for (int i = 0; i < n; i++) {
            LinearAdapter a = parts.get(i).adapter();
            if (a == null) continue;
            lr[i] = a.lowRank();
            if (lr[i] == null) return null;
            if (first != null && lr[i].scaling() != scaling) return null;
            if (first == null) first = lr[i];
            scaling = lr[i].scaling();
            rank += lr[i].a().size(0);
            dropout |= lr[i].dropout() > 0;
        }
        long in = fused.inFeatures();
        long total = fused.outFeatures();
        // 2-D throughout: addmm_ in place on a view would make autograd clone the base's gradient (CopySlices)
        Tensor x2 = x.reshape(-1, in);
        Tensor y = fused.forward(x2);
        if (rank > 0) {
            var type = Tensors.type(x);
            List<Tensor> as = new ArrayList<>();
            List<Tensor> bs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (lr[i] != null) as.add(lr[i].a());
                bs.add(lr[i] != null ? lr[i].b()
                        : torch.zeros(new long[] {sizes[i], 0}, Tensors.options(Tensors.type(first.b()))));
            }
            Tensor z;
            if (!dropout) {
                z = torch.linear(x2, (as.size() == 1 ? as.get(0) : Tensors.cat(as, 0)).to(type));   // (M, Σr)
            } else {
                List<Tensor> zs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (lr[i] == null) continue;
                    Tensor xi = lr[i].dropout() > 0 ? torch.dropout(x2, lr[i].dropout(), true) : x2;
                    zs.add(torch.linear(xi, lr[i].a().to(type)));
                }
                z = zs.size() == 1 ? zs.get(0) : Tensors.cat(zs, 1);
            }
            Tensor bd = torch.block_diag(new TensorVector(bs.toArray(Tensor[]::new))).to(type);     // (Σout, Σr)
            y.addmm_(z, bd.t(), Tensors.scalar(1), Tensors.scalar(scaling));
        }
        long[] shape = x.shape();
        shape[shape.length - 1] = total;
        TensorVector v = y.view(shape).split_with_sizes(sizes, -1);
        Tensor[] out = new Tensor[n];
        for (int i = 0; i < n; i++) out[i] = v.get(i);
        return out;
    }

    /** The stacked projection (the one decode steps run). */
    Linear stacked() { return fused; }

    /** Drops the stacked tensors' handles (the parts' weights keep the storage alive while they live). */
    void release() {
        fused.weight().releaseReference();
        if (fused.bias() != null) fused.bias().releaseReference();
    }
}
