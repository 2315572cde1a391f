package dev.whetstone.engine.torch.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * What every layer of one cached forward pass shares (prefill or decode step, see
 * {@link CausalLm#hiddenCached}).
 *
 * @param rope       cos/sin tables (B, T, hd) at each row's positions, or null (GPT-2)
 * @param mask       additive mask (B, 1, G·T, keyLength): 0 where key j ≤ the query's position, large negative elsewhere;
 *                   null when every key is visible (one row, one new token)
 * @param writeIndex (B·KV·T) int64: where each new key/value row goes in a layer's cache viewed as (slots·KV·cap, hd)
 * @param cache      the cache the rows read and extend
 * @param firstSlot  the batch's rows occupy slots firstSlot … firstSlot + B − 1
 * @param keyLength  positions attended: the longest row's length after this pass
 * @param localRope  tables of {@link ModelConfig.LayerRope#LOCAL} layers, or null
 * @param slidingMask the mask of sliding layers (keys a window or more behind the query hidden too); null when every
 *                   key is visible to them
 */
record CachedPass(Rope.Tables rope, Tensor mask, Tensor writeIndex, KvCache cache, int firstSlot, int keyLength,
                  Rope.Tables localRope, Tensor slidingMask) {
    Rope.Tables ropeFor(ModelConfig.LayerRope kind) {
        return switch (kind) {
            case GLOBAL -> rope;
            case LOCAL -> localRope;
            case NONE -> null;
        };
    }

    Tensor maskFor(boolean sliding) { return sliding ? slidingMask : mask; }

    /** (B, T) int64: row b's new tokens sit at start[b] … start[b] + T − 1. */
    static Tensor positions(long[] start, int t) {
        long[] p = new long[start.length * t];
        for (int b = 0; b < start.length; b++) {
            for (int i = 0; i < t; i++) p[b * t + i] = start[b] + i;
        }
        return Tensors.longs(p, start.length, t);
    }

    /**
     * (B, 1, G·T, L) additive mask: query row g·T + i of row b may see key j iff j ≤ its position, and with a
     * {@code window}, j > its position − window. Keys past a shorter row's length are stale cache entries (or zeros)
     * and are masked the same way.
     *
     * @param window the sliding window, or null for global attention
     */
    static Tensor mask(Tensor positions, int keyLength, int groups, ScalarType type, double masked, Integer window) {
        long b = positions.size(0);
        long t = positions.size(1);
        Tensor query = positions.repeat(1, groups).view(b, 1, groups * t, 1);
        Tensor keys = torch.arange(Tensors.scalar(keyLength), Tensors.options(ScalarType.Long)).view(1, 1, 1, keyLength);
        Tensor hidden = keys.gt(query);
        if (window != null) hidden = hidden.logical_or(keys.le(query.sub(Tensors.scalar(window))));
        return hidden.to(type).mul(Tensors.scalar(masked));
    }

    /** Index of row (b, kv, t)'s key in a layer's cache viewed as (slots·KV·cap, hd). */
    static Tensor writeIndex(long[] start, int t, int firstSlot, KvCache cache) {
        int kv = cache.kvHeads();
        long cap = cache.capacity();
        long[] idx = new long[start.length * kv * t];
        int n = 0;
        for (int b = 0; b < start.length; b++) {
            for (int h = 0; h < kv; h++) {
                long base = ((long) (firstSlot + b) * kv + h) * cap + start[b];
                for (int i = 0; i < t; i++) idx[n++] = base + i;
            }
        }
        return Tensors.longs(idx, idx.length);
    }
}
