package dev.whetstone.engine.torch.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Keys and values of past tokens for a fixed number of sequence slots, per layer (slots, KV, capacity, hd) in the
 * model's compute dtype. A sequence owns one slot; its token at position p sits at index p of the capacity axis.
 *
 * <p>Why this layout: a contiguous range of slots, cut to the longest sequence, is a view whose (slots, KV) axes
 * fold into one batch axis, so attention multiplies the cache in place without gathering or copying it. The
 * capacity grows by doubling (one copy) up to {@code maxCapacity}, so short conversations do not hold the memory of
 * the longest context. Used by one thread at a time (the serving scheduler).
 */
public final class KvCache implements AutoCloseable {
    private final int slots;
    private final int kvHeads;
    private final int headDim;
    private final int maxCapacity;
    private final torch.ScalarType type;
    private final Tensor[] keys;
    private final Tensor[] values;
    private int capacity;

    public KvCache(ModelConfig config, torch.ScalarType type, int slots, int initialCapacity, int maxCapacity) {
        this.slots = slots;
        this.kvHeads = config.numKvHeads();
        this.headDim = config.headDim();
        this.maxCapacity = maxCapacity;
        this.type = type;
        this.keys = new Tensor[config.numLayers()];
        this.values = new Tensor[config.numLayers()];
        this.capacity = Math.min(initialCapacity, maxCapacity);
        for (int l = 0; l < keys.length; l++) {
            keys[l] = allocate(capacity);
            values[l] = allocate(capacity);
        }
    }

    public int slots() { return slots; }

    /** Positions each slot can hold now. */
    public int capacity() { return capacity; }

    public int maxCapacity() { return maxCapacity; }

    int kvHeads() { return kvHeads; }

    Tensor keys(int layer) { return keys[layer]; }

    Tensor values(int layer) { return values[layer]; }

    /** Grows every layer (doubling, one copy) so that {@code length} positions fit. */
    public void ensureCapacity(int length) {
        if (length <= capacity) return;
        if (length > maxCapacity) {
            throw new IllegalArgumentException("KvCache: " + length + " positions exceed the cache's maximum of "
                    + maxCapacity + "; end sequences at the context limit");
        }
        int grown = capacity;
        while (grown < length) grown *= 2;
        grown = Math.min(grown, maxCapacity);
        for (int l = 0; l < keys.length; l++) {
            keys[l] = regrow(keys[l], grown);
            values[l] = regrow(values[l], grown);
        }
        capacity = grown;
    }

    /** Copies slot {@code from} into slot {@code to} (keeping the running sequences in slots 0..n-1). */
    public void moveSlot(int from, int to) {
        if (from == to) return;
        try (PointerScope scope = new PointerScope()) {
            for (int l = 0; l < keys.length; l++) {
                keys[l].select(0, to).copy_(keys[l].select(0, from));
                values[l].select(0, to).copy_(values[l].select(0, from));
            }
        }
    }

    private Tensor allocate(int cap) {
        try (PointerScope scope = new PointerScope()) {
            return Tensors.retain(torch.zeros(new long[] {slots, kvHeads, cap, headDim}, Tensors.options(type)));
        }
    }

    private Tensor regrow(Tensor old, int cap) {
        Tensor fresh = allocate(cap);
        try (PointerScope scope = new PointerScope()) {
            fresh.narrow(2, 0, old.size(2)).copy_(old);
        }
        old.releaseReference();
        return fresh;
    }

    @Override
    public void close() {
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) keys[l].releaseReference();
            if (values[l] != null) values[l].releaseReference();
            keys[l] = null;
            values[l] = null;
        }
    }
}
