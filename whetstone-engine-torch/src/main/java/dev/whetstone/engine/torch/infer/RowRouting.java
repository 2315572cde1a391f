package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.model.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Which rows of the current batch go through which adapter: rows grouped by adapter, rows without one left out.
 * Built once per forward pass by the scheduler thread and read by every {@link AdapterRouter}.
 */
final class RowRouting {
    /**
     * The rows of one adapter: a contiguous range [start, start + count) when they are adjacent (sliced without a
     * copy), else {@code index} (int64) for gather/scatter.
     */
    record Group(LoraWeights weights, int start, int count, Tensor index) {}

    private List<Group> groups = List.of();

    /** Groups {@code perRow} (null = no adapter); the index tensors belong to the caller's scope. */
    void route(LoraWeights[] perRow) {
        Map<LoraWeights, List<Integer>> rows = new LinkedHashMap<>();
        for (int i = 0; i < perRow.length; i++) {
            if (perRow[i] != null) rows.computeIfAbsent(perRow[i], k -> new ArrayList<>()).add(i);
        }
        List<Group> out = new ArrayList<>();
        rows.forEach((w, r) -> {
            int first = r.get(0);
            boolean contiguous = r.get(r.size() - 1) - first == r.size() - 1;
            out.add(new Group(w, first, r.size(), contiguous ? null : index(r)));
        });
        groups = out;
    }

    boolean any() { return !groups.isEmpty(); }

    List<Group> groups() { return groups; }

    void clear() { groups = List.of(); }

    private static Tensor index(List<Integer> rows) {
        long[] v = new long[rows.size()];
        for (int i = 0; i < v.length; i++) v[i] = rows.get(i);
        return Tensors.longs(v, v.length);
    }
}
