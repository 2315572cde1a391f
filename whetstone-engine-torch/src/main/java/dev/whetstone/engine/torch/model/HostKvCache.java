package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.kernel.RowWeights;
import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The keys and values of {@link HostDecoder}'s decode steps, in Java arrays: per layer and sequence slot one array
 * of keys and one of values, position-major (capacity, KV, hd), so position t's head h starts at
 * {@code (t · KV + h) · hd}. Each slot grows by doubling (from 64 positions) up to the context limit, on its own: a
 * short conversation holds only its own length. Values are held as libtorch's cache holds them — rounded to bf16
 * for a bf16 (or int8) model, fp32 otherwise — so a sequence prefilled by libtorch continues here on the same
 * numbers; in fp32 arrays, twice a bf16 cache's bytes. Used by one thread at a time (the serving scheduler).
 */
final class HostKvCache {
    private final int layers;
    private final int slots;
    private final int row;
    private final int maxContext;
    private final boolean roundToBf16;
    private final float[][] keys;
    private final float[][] values;
    private final int[] capacity;

    HostKvCache(ModelConfig config, int slots, int maxContext, boolean roundToBf16) {
        this.layers = config.numLayers();
        this.slots = slots;
        this.row = config.numKvHeads() * config.headDim();
        this.maxContext = maxContext;
        this.roundToBf16 = roundToBf16;
        this.keys = new float[layers * slots][];
        this.values = new float[layers * slots][];
        this.capacity = new int[slots];
    }

    float[] keys(int layer, int slot) { return keys[layer * slots + slot]; }

    float[] values(int layer, int slot) { return values[layer * slots + slot]; }

    /** Makes room in {@code slot} for positions 0 … length−1 (keeping what it holds). */
    void ensureCapacity(int slot, int length) {
        if (length <= capacity[slot]) return;
        if (length > maxContext) {
            throw new IllegalArgumentException("HostDecoder: " + length + " positions exceed the cache's maximum of "
                    + maxContext + "; end sequences at the context limit");
        }
        int grown = Math.min(maxContext, Math.max(length, Math.max(64, 2 * capacity[slot])));
        for (int l = 0; l < layers; l++) {
            int i = l * slots + slot;
            keys[i] = keys[i] == null ? new float[grown * row] : Arrays.copyOf(keys[i], grown * row);
            values[i] = values[i] == null ? new float[grown * row] : Arrays.copyOf(values[i], grown * row);
        }
        capacity[slot] = grown;
    }

    /** Writes one position's keys and values (KV·hd each, at {@code from[keyOffset…]}, {@code from[valueOffset…]}). */
    void store(int layer, int slot, int position, float[] from, int keyOffset, int valueOffset) {
        int i = layer * slots + slot;
        int at = position * row;
        for (int k = 0; k < row; k++) {
            keys[i][at + k] = rounded(from[keyOffset + k]);
            values[i][at + k] = rounded(from[valueOffset + k]);
        }
    }

    private float rounded(float v) { return roundToBf16 ? RowWeights.fromBf16(RowWeights.toBf16(v)) : v; }

    /** Copies {@code slot}'s first {@code length} positions of every layer from libtorch's cache. */
    void importSlot(KvCache cache, int slot, int length) {
        ensureCapacity(slot, length);
        try (PointerScope scope = new PointerScope()) {
            for (int l = 0; l < layers; l++) {
                copyIn(cache.keys(l), slot, length, keys[l * slots + slot]);
                copyIn(cache.values(l), slot, length, values[l * slots + slot]);
            }
        }
    }

    /** (slots, KV, cap, hd) → this slot's positions 0 … length−1, position-major (length, KV, hd). */
    private void copyIn(Tensor layerCache, int slot, int length, float[] into) {
        Tensor t = layerCache.select(0, slot).narrow(1, 0, length).permute(1, 0, 2).to(ScalarType.Float).contiguous();
        t.data_ptr_float().capacity((long) length * row).get(into, 0, length * row);
    }

    /** Slot {@code from}'s arrays become slot {@code to}'s and the other way round (no copy). */
    void moveSlot(int from, int to) {
        if (from == to) return;
        for (int l = 0; l < layers; l++) {
            swap(keys, l * slots + from, l * slots + to);
            swap(values, l * slots + from, l * slots + to);
        }
        int c = capacity[to];
        capacity[to] = capacity[from];
        capacity[from] = c;
    }

    private static void swap(float[][] a, int i, int j) {
        float[] t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
