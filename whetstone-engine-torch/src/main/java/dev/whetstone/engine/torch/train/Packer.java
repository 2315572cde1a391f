package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.data.TokenizedExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Sequence packing: places the examples of one optimizer batch into as few rows of at most {@code maxLength} tokens
 * as first-fit decreasing finds, so short examples share a row instead of each being padded to the batch's longest.
 * Deterministic: examples are taken longest first, ties in batch order, each into the first row with room.
 */
final class Packer {
    private Packer() {}

    /** Rows of examples, longest row first; every example is in exactly one row (cut to maxLength if longer). */
    static List<List<TokenizedExample>> rows(List<TokenizedExample> batch, int maxLength) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) order.add(i);
        order.sort(Comparator.comparingInt((Integer i) -> -length(batch.get(i), maxLength)).thenComparingInt(i -> i));
        List<List<TokenizedExample>> rows = new ArrayList<>();
        List<Integer> used = new ArrayList<>();
        for (int i : order) {
            TokenizedExample e = batch.get(i);
            int n = length(e, maxLength);
            int r = 0;
            while (r < rows.size() && used.get(r) + n > maxLength) r++;
            if (r == rows.size()) {
                rows.add(new ArrayList<>());
                used.add(0);
            }
            rows.get(r).add(e);
            used.set(r, used.get(r) + n);
        }
        List<Integer> byLength = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) byLength.add(r);
        byLength.sort(Comparator.comparingInt((Integer r) -> -used.get(r)).thenComparingInt(r -> r));
        return byLength.stream().map(rows::get).toList();
    }

    /** Tokens of a row: its examples' lengths, each cut to maxLength. */
    static int rowLength(List<TokenizedExample> row, int maxLength) {
        return row.stream().mapToInt(e -> length(e, maxLength)).sum();
    }

    private static int length(TokenizedExample e, int maxLength) { return Math.min(e.length(), maxLength); }
}
