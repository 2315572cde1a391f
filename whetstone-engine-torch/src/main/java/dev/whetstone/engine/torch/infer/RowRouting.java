package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.model.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Which rows of the current batch go through which adapter. Built once per forward pass by the scheduler thread
 * and read by every {@link AdapterRouter}: either one adapter for every row, or the batch's distinct adapters with
 * a row mask over their concatenated ranks (rows without an adapter mask everything out).
 */
final class RowRouting {
    private LoraWeights single;
    private List<LoraWeights> set = List.of();
    private Tensor mask;
    private LoraWeights[] perRow = new LoraWeights[0];

    /** Routes {@code perRow} (null = no adapter); the mask belongs to the caller's scope. */
    void route(LoraWeights[] perRow, ScalarType type) {
        clear();
        this.perRow = perRow.clone();
        List<LoraWeights> distinct = new ArrayList<>();
        boolean bare = false;
        for (LoraWeights w : perRow) {
            if (w == null) bare = true;
            else if (!distinct.contains(w)) distinct.add(w);
        }
        if (distinct.isEmpty()) return;
        if (distinct.size() == 1 && !bare) {
            single = distinct.get(0);
            return;
        }
        set = List.copyOf(distinct);
        mask = mask(perRow, type);
    }

    /** Whether the pass has any adapter row. */
    boolean any() { return single != null || !set.isEmpty(); }

    /** The adapter of every row, or null when rows differ. */
    LoraWeights single() { return single; }

    /** The distinct adapters of a mixed batch, in the order of their blocks in the concatenated ranks. */
    List<LoraWeights> set() { return set; }

    /** (B, 1, R) in the compute dtype, R = Σ ranks of {@link #set()}: 1 on row b's own adapter block, else 0. */
    Tensor mask() { return mask; }

    /** Each row's adapter (null: none), in batch order. */
    LoraWeights[] perRow() { return perRow; }

    void clear() {
        perRow = new LoraWeights[0];
        single = null;
        set = List.of();
        mask = null;
    }

    private Tensor mask(LoraWeights[] perRow, ScalarType type) {
        int total = set.stream().mapToInt(LoraWeights::rank).sum();
        float[] m = new float[perRow.length * total];
        for (int b = 0; b < perRow.length; b++) {
            if (perRow[b] == null) continue;
            int offset = 0;
            for (LoraWeights w : set) {
                if (w == perRow[b]) java.util.Arrays.fill(m, b * total + offset, b * total + offset + w.rank(), 1f);
                offset += w.rank();
            }
        }
        return Tensors.floats(m, perRow.length, 1, total).to(type);
    }
}
