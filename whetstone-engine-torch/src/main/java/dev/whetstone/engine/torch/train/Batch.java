package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.model.Tensors;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A micro-batch: right-padded rows of one example each, or packed rows of several. Padding needs no attention
 * mask: it sits after every real token, so causality already hides it, and padded positions predict nothing.
 * Packed rows carry positions that restart at 0 for every example and segment ids from which the model builds a
 * block-diagonal causal mask, so no token attends across an example boundary.
 *
 * @param inputIds   (B, T) int64; padding id 0
 * @param positions  (B, T) int64 for packed rows, else null (0..T-1)
 * @param segments   (B, T) int64 example index within the row (padding −1) for packed rows, else null
 * @param targetRows (M) int64 indices into the flattened (B·T) positions that predict a target token
 * @param targetIds  (M) int64 the tokens those positions must predict
 * @param tokens     real (non-padding) tokens
 * @param pixels     (N, 3, S, S) the image frames of the rows' examples in the order of their image tokens
 *                   (row-major over the batch), or null without images
 * @param images     the same frames per example, in the same order (the feature cache's keys); empty without
 */
record Batch(Tensor inputIds, Tensor positions, Tensor segments, Tensor targetRows, Tensor targetIds, int sequences,
             int length, long tokens, long targets, Tensor pixels,
             List<dev.whetstone.engine.torch.data.ImageFrames> images) {

    /** A micro-batch to be built inside the caller's pointer scope. */
    interface Source {
        Batch build();
    }

    /** One example per row. Position j−1 predicts token j wherever the loss mask marks token j; cut to maxLength. */
    static Batch of(List<TokenizedExample> examples, int maxLength) {
        return build(examples.stream().map(List::of).toList(), maxLength, false);
    }

    /** Packed rows (see {@link Packer}); each example keeps its own positions, attention and targets. */
    static Batch packed(List<List<TokenizedExample>> rows, int maxLength) {
        return build(rows, maxLength, true);
    }

    private static Batch build(List<List<TokenizedExample>> rows, int maxLength, boolean packed) {
        int b = rows.size();
        int t = 1;
        long tokens = 0;
        long targets = 0;
        for (List<TokenizedExample> row : rows) {
            t = Math.max(t, Packer.rowLength(row, maxLength));
            tokens += Packer.rowLength(row, maxLength);
            for (TokenizedExample e : row) targets += targets(e, maxLength);
        }
        long[] ids = new long[b * t];
        long[] pos = new long[b * t];
        long[] seg = new long[b * t];
        Arrays.fill(seg, -1);
        long[] rowIdx = new long[(int) targets];
        long[] tgt = new long[(int) targets];
        List<dev.whetstone.engine.torch.data.ImageFrames> images = new java.util.ArrayList<>();
        int k = 0;
        for (int i = 0; i < b; i++) {
            int offset = i * t;
            List<TokenizedExample> row = rows.get(i);
            for (int s = 0; s < row.size(); s++) {
                TokenizedExample e = row.get(s);
                if (e.images() != null) images.add(e.images());
                int n = Math.min(e.length(), maxLength);
                for (int j = 0; j < n; j++) {
                    ids[offset + j] = e.inputIds()[j];
                    pos[offset + j] = j;
                    seg[offset + j] = s;
                }
                for (int j = 1; j < n; j++) {
                    if (!e.lossMask()[j]) continue;
                    rowIdx[k] = offset + j - 1;
                    tgt[k++] = e.inputIds()[j];
                }
                offset += n;
            }
        }
        return new Batch(Tensors.longs(ids, b, t), packed ? Tensors.longs(pos, b, t) : null,
                packed ? Tensors.longs(seg, b, t) : null, Tensors.longs(rowIdx, rowIdx.length),
                Tensors.longs(tgt, tgt.length), b, t, tokens, targets, pixels(images), List.copyOf(images));
    }

    /** The frames of the examples, in order, as one (N, 3, S, S) tensor; null when none has images. */
    private static Tensor pixels(List<dev.whetstone.engine.torch.data.ImageFrames> images) {
        if (images.isEmpty()) return null;
        int size = images.get(0).size();
        int frames = images.stream().mapToInt(dev.whetstone.engine.torch.data.ImageFrames::count).sum();
        float[] all = new float[frames * 3 * size * size];
        int at = 0;
        for (var f : images) {
            System.arraycopy(f.pixels(), 0, all, at, f.pixels().length);
            at += f.pixels().length;
        }
        return Tensors.floats(all, frames, 3, size, size);
    }

    /** Tokens one example (both sequences of a pair) puts through the model, each cut to maxLength. */
    static long tokens(TokenizedExample e, int maxLength) {
        return Math.min(e.length(), maxLength) + (e.rejected() == null ? 0 : Math.min(e.rejected().length(), maxLength));
    }

    /** Target tokens of one example: masked tokens after the first, within the length limit. */
    static long targets(TokenizedExample e, int maxLength) {
        int n = Math.min(e.length(), maxLength);
        long c = 0;
        for (int j = 1; j < n; j++) if (e.lossMask()[j]) c++;
        return c;
    }
}
