package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.model.ModelConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits an optimizer batch into micro-batches whose activations fit a memory budget; their gradients are
 * accumulated, so any batch size trains in bounded memory. The loss is normalised by the whole batch's target
 * count, so the split changes nothing but summation order.
 */
final class MicroBatcher {
    private final ModelConfig c;
    private final int elementBytes;
    private final long budgetBytes;
    private final int maxLength;

    MicroBatcher(ModelConfig c, int elementBytes, long budgetBytes, int maxLength) {
        this.c = c;
        this.elementBytes = elementBytes;
        this.budgetBytes = budgetBytes;
        this.maxLength = maxLength;
    }

    /**
     * Activation bytes one token of a length-{@code t} sequence keeps alive for backward, per layer: the inputs of
     * the linear layers and element-wise ops (~10 hidden vectors, q/k/v twice, 4 MLP-wide vectors) in the compute
     * dtype, fp32 norm statistics (~3 hidden vectors), and its attention row in every head (fp32 scores and softmax,
     * plus the cast probabilities).
     */
    long bytesPerToken(int t) {
        long d = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long perLayer = (10 * d + 2 * q + 2 * kv + 4L * c.intermediateSize()) * elementBytes + 12 * d
                + (long) c.numHeads() * t * (8 + elementBytes);
        return c.numLayers() * perLayer + 4 * d * elementBytes;
    }

    /** How many length-{@code t} sequences fit in one micro-batch (at least 1). */
    int sequencesAt(int t) {
        int len = Math.max(1, Math.min(t, maxLength));
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes / (bytesPerToken(len) * len)));
    }

    /** Longest first (less padding per micro-batch), then greedily while the padded batch fits. */
    List<List<TokenizedExample>> split(List<TokenizedExample> batch) {
        List<TokenizedExample> sorted = new ArrayList<>(batch);
        sorted.sort(Comparator.comparingInt(TokenizedExample::length).reversed());
        return group(sorted, e -> Math.min(e.length(), maxLength));
    }

    /** Packed rows (already longest first, see {@link Packer}) into micro-batches, greedily while they fit. */
    List<List<List<TokenizedExample>>> splitRows(List<List<TokenizedExample>> rows) {
        return group(rows, r -> Packer.rowLength(r, maxLength), 1);
    }

    /** Preference pairs, two rows each (padded to the longer of the two), longest first. */
    List<List<TokenizedExample>> splitPairs(List<TokenizedExample> pairs) {
        ToIntFunction<TokenizedExample> length = e -> Math.min(Math.max(e.length(), e.rejected().length()), maxLength);
        List<TokenizedExample> sorted = new ArrayList<>(pairs);
        sorted.sort(Comparator.comparingInt(length).reversed());
        return group(sorted, length, 2);
    }

    /** Consecutive items, longest first, while the micro-batch padded to its first item's length fits. */
    private <T> List<List<T>> group(List<T> longestFirst, ToIntFunction<T> length) {
        return group(longestFirst, length, 1);
    }

    private <T> List<List<T>> group(List<T> longestFirst, ToIntFunction<T> length, int rowsPerItem) {
        List<List<T>> out = new ArrayList<>();
        List<T> cur = new ArrayList<>();
        int curLen = 0;
        for (T item : longestFirst) {
            int len = length.applyAsInt(item);
            int padded = Math.max(curLen, len);
            if (!cur.isEmpty() && (cur.size() + 1) * rowsPerItem > sequencesAt(padded)) {
                out.add(cur);
                cur = new ArrayList<>();
                padded = len;
            }
            cur.add(item);
            curLen = padded;
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }
}
