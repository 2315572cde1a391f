package dev.whetstone.engine.torch.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Several projections of the same input stacked into one weight (q/k/v, or gate/up), for inference: one product
 * per layer instead of three (two), which at batch 1 on CPU saves the per-call overhead and the BLAS thread
 * wake-ups of the smaller calls. Inference only: adapters add into views of the product in place. The parts' own weight tensors are re-pointed at their rows of the stacked weight
 * ({@code set_}), so no weight is held twice and in-place changes through either stay visible to both.
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

    /** Stacks the parts' weights (and biases, when all have one); null when they cannot be stacked. */
    static FusedLinear of(List<Linear> parts) {
        boolean biases = parts.stream().allMatch(p -> p.bias() != null);
        if (!biases && parts.stream().anyMatch(p -> p.bias() != null)) return null;
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
            return new FusedLinear(new Linear(parts.get(0).name() + "+fused", w, b), List.copyOf(parts), sizes);
        }
    }

    /**
     * x (…, in) → the parts' outputs (…, out_i), views of one product; a part's adapter (serving's per-row LoRA)
     * adds its delta into its view in place.
     */
    Tensor[] forward(Tensor x) {
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

    /** The stacked projection (the one decode steps run). */
    Linear stacked() { return fused; }

    /** Drops the stacked tensors' handles (the parts' weights keep the storage alive while they live). */
    void release() {
        fused.weight().releaseReference();
        if (fused.bias() != null) fused.bias().releaseReference();
    }
}
