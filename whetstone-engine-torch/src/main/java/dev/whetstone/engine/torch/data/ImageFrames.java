package dev.whetstone.engine.torch.data;

/**
 * The processed image frames of one example, in the order their image tokens appear: {@code count} frames of
 * 3 × size × size normalised values (channel first). Memory: 12·size² bytes a frame (SmolVLM's 512² frames:
 * 3 MB each, 13 for a 4 × 3-tile image), kept for the run.
 */
public record ImageFrames(float[] pixels, int count, int size) {
    public ImageFrames {
        if ((long) count * 3 * size * size != pixels.length) {
            throw new IllegalArgumentException("pixels must hold count × 3 × size × size values");
        }
    }
}
