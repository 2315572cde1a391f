package dev.whetstone.engine.torch.model;

import org.bytedeco.pytorch.Tensor;

/**
 * What every layer of one forward pass shares.
 *
 * @param rope cos/sin tables (B, T, hd), or null without rotary positions (GPT-2)
 * @param mask additive attention mask (B|1, 1, G·T, T) in the compute dtype: 0 where a query may attend, a large negative value
 *             where not (finite, so a fully masked padding row yields a harmless uniform average, not NaN)
 * @param localRope    the tables of {@link ModelConfig.LayerRope#LOCAL} layers, or null when no layer has them
 * @param slidingMask  {@code mask} that also hides keys a window or more behind the query, for sliding layers; null
 *                     when no layer slides
 */
record ForwardContext(Rope.Tables rope, Tensor mask, Rope.Tables localRope, Tensor slidingMask) {
    Rope.Tables ropeFor(ModelConfig.LayerRope kind) {
        return switch (kind) {
            case GLOBAL -> rope;
            case LOCAL -> localRope;
            case NONE -> null;
        };
    }

    Tensor maskFor(boolean sliding) { return sliding ? slidingMask : mask; }
}
