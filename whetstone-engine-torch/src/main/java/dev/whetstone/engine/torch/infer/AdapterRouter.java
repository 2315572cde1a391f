package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.kernel.RowProducts;
import dev.whetstone.engine.torch.kernel.RowWeights;
import dev.whetstone.engine.torch.model.LinearAdapter;
import dev.whetstone.engine.torch.model.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Per-sequence LoRA on one shared base linear layer: each row gets its own adapter's delta, rows without one get
 * nothing. Installed only for passes whose batch holds an adapter, so the bare base pays nothing.
 *
 * <p>A mixed batch costs four native calls per layer whatever its number of adapters: x·[A₁; A₂; …]ᵀ for every
 * row at once (a few dozen columns), a row mask keeping each row's own block, then ·[s₁B₁ s₂B₂ …]ᵀ added into y.
 * Gathering rows per adapter instead cost 2× the bare base's step at batch 8 over two adapters (BENCHMARKS.md).
 */
final class AdapterRouter implements LinearAdapter {
    private final String linearName;
    private final RowRouting routing;
    private List<LoraWeights> fusedFor = List.of();
    private Tensor fusedA;
    private Tensor fusedB;

    AdapterRouter(String linearName, RowRouting routing) {
        this.linearName = linearName;
        this.routing = routing;
    }

    @Override
    public Tensor delta(Tensor x) {
        throw new UnsupportedOperationException("AdapterRouter applies per row; call apply(x, y)");
    }

    /** x (B, T, in), y (B, T, out): y += each row's adapter delta, in place. */
    @Override
    public Tensor apply(Tensor x, Tensor y) {
        LoraWeights single = routing.single();
        if (single != null) {
            LoraWeights.Pair p = single.pair(linearName);
            if (p == null) return y;
            if (x.numel() == p.a().size(1) && p.fp32()) {
                // one fp32 row: matrix-vector products; a one-row fp32 GEMM wakes OpenBLAS's threads for a few
                // microseconds of work and cost 19x the bare step in the benchmark. addmv_ adds s·B·(A·x) into y
                // in one call (y may be a view of a fused q/k/v or gate/up product: its one row is contiguous).
                y.view(-1).addmv_(p.scaledB(), p.a().mv(x.reshape(-1)));
                return y;
            }
            return y.add_(torch.linear(torch.linear(x, p.a()), p.scaledB()));
        }
        if (!fuse(routing.set())) return y;
        return y.add_(torch.linear(torch.linear(x, fusedA).mul_(routing.mask()), fusedB));
    }

    /**
     * The decode kernels' path: per row, t = A·x (r values), then y += s·B·t, each row through its own adapter —
     * so one batch mixes any number of adapters at the cost of two rank-r products per row (about 2·r·(in + out)
     * multiply-adds, ~3 % of the base's for the SmolLM2-135M shape at r = 16). Rows sharing the batch's single
     * adapter go through together.
     */
    @Override
    public boolean addRows(float[] x, int m, float[] y, int stride, int offset) {
        LoraWeights[] perRow = routing.perRow();
        if (perRow.length != m) return false;
        LoraWeights single = routing.single();
        if (single != null) {
            LoraWeights.Pair p = single.pair(linearName);
            if (p == null) return true;
            if (p.aRows() == null) return false;
            addRows(p, x, m, y, stride, offset);
            return true;
        }
        for (LoraWeights w : perRow) {
            LoraWeights.Pair p = w == null ? null : w.pair(linearName);
            if (p != null && p.aRows() == null) return false;
        }
        int in = x.length / m;
        float[] row = new float[in];
        float[] out = new float[stride];
        for (int i = 0; i < m; i++) {
            LoraWeights.Pair p = perRow[i] == null ? null : perRow[i].pair(linearName);
            if (p == null) continue;
            System.arraycopy(x, i * in, row, 0, in);
            System.arraycopy(y, i * stride, out, 0, stride);
            addRows(p, row, 1, out, stride, offset);
            System.arraycopy(out, 0, y, i * stride, stride);
        }
        return true;
    }

    @Override
    public RowWeights[][] rowFactors(int m) {
        LoraWeights[] perRow = routing.perRow();
        if (perRow.length != m) return null;
        RowWeights[][] out = new RowWeights[m][];
        for (int i = 0; i < m; i++) {
            LoraWeights.Pair p = perRow[i] == null ? null : perRow[i].pair(linearName);
            if (p == null) continue;
            if (p.aRows() == null) return null;
            out[i] = new RowWeights[] {p.aRows(), p.bColumns()};
        }
        return out;
    }

    private static void addRows(LoraWeights.Pair p, float[] x, int m, float[] y, int stride, int offset) {
        int r = p.aRows().rows();
        float[] t = new float[m * r];
        RowProducts.rowsTimes(p.aRows(), x, m, t, 0, r, RowProducts.Blocks.FOUR_ROWS);
        int[] yo = new int[m];
        for (int i = 0; i < m; i++) yo[i] = i * stride + offset;
        RowProducts.addColumnsTimes(p.bColumns(), t, y, yo, m, 0, p.bColumns().cols());
    }

    /**
     * [A₁; A₂; …] (R, in) and [s₁B₁ s₂B₂ …] (out, R) for this set, zero blocks for adapters that leave this layer
     * alone; rebuilt only when the batch's adapter set changes. @return false when no adapter of the set adapts it
     */
    private boolean fuse(List<LoraWeights> set) {
        if (set.equals(fusedFor)) return fusedA != null;
        release();
        fusedFor = set;
        if (set.stream().allMatch(w -> w.pair(linearName) == null)) return false;
        try (PointerScope scope = new PointerScope()) {
            List<Tensor> as = new ArrayList<>();
            List<Tensor> bs = new ArrayList<>();
            LoraWeights.Pair any = set.stream().map(w -> w.pair(linearName)).filter(p -> p != null).findFirst().orElseThrow();
            for (LoraWeights w : set) {
                LoraWeights.Pair p = w.pair(linearName);
                as.add(p != null ? p.a() : torch.zeros(w.rank(), any.a().size(1)).to(Tensors.type(any.a())));
                bs.add(p != null ? p.scaledB() : torch.zeros(any.scaledB().size(0), w.rank()).to(Tensors.type(any.a())));
            }
            fusedA = Tensors.retain(Tensors.cat(as, 0));
            fusedB = Tensors.retain(Tensors.cat(bs, 1));
        }
        return true;
    }

    /** Frees the fused copies. */
    void release() {
        if (fusedA != null) fusedA.releaseReference();
        if (fusedB != null) fusedB.releaseReference();
        fusedA = null;
        fusedB = null;
        fusedFor = List.of();
    }
}
