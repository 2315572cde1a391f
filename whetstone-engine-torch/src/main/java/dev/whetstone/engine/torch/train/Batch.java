package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.model.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A right-padded micro-batch. Padding needs no attention mask: it sits after every real token, so causality
 * already hides it, and padded positions predict nothing.
 *
 * @param inputIds   (B, T) int64; padding id 0
 * @param targetRows (M) int64 indices into the flattened (B·T) positions that predict a target token
 * @param targetIds  (M) int64 the tokens those positions must predict
 * @param tokens     real (non-padding) tokens
 */
record Batch(Tensor inputIds, Tensor targetRows, Tensor targetIds, int sequences, int length, long tokens,
             long targets) {

    /** Position j−1 predicts token j wherever the loss mask marks token j; sequences are cut to maxLength. */
    static Batch of(List<TokenizedExample> examples, int maxLength) {
        int b = examples.size();
        int t = 1;
        long tokens = 0;
        long targets = 0;
        for (TokenizedExample e : examples) {
            int n = Math.min(e.length(), maxLength);
            t = Math.max(t, n);
            tokens += n;
            targets += targets(e, maxLength);
        }
        long[] ids = new long[b * t];
        long[] rows = new long[(int) targets];
        long[] tgt = new long[(int) targets];
        int k = 0;
        for (int i = 0; i < b; i++) {
            TokenizedExample e = examples.get(i);
            int n = Math.min(e.length(), maxLength);
            for (int j = 0; j < n; j++) ids[i * t + j] = e.inputIds()[j];
            for (int j = 1; j < n; j++) {
                if (!e.lossMask()[j]) continue;
                rows[k] = (long) i * t + j - 1;
                tgt[k++] = e.inputIds()[j];
            }
        }
        return new Batch(Tensors.longs(ids, b, t), Tensors.longs(rows, rows.length), Tensors.longs(tgt, tgt.length),
                b, t, tokens, targets);
    }

    /** Target tokens of one example: masked tokens after the first, within the length limit. */
    static long targets(TokenizedExample e, int maxLength) {
        int n = Math.min(e.length(), maxLength);
        long c = 0;
        for (int j = 1; j < n; j++) if (e.lossMask()[j]) c++;
        return c;
    }
}
