package dev.whetstone.engine.torch.vision;

import dev.whetstone.engine.torch.model.Linear;
import java.io.IOException;
import org.bytedeco.pytorch.Tensor;

/**
 * Idefics3Connector: the pixel shuffle folds each scale × scale block of patch features into one token (sequence
 * s² times shorter, features s² times wider), then {@code modality_projection.proj} (no bias) maps it to the text
 * model's hidden size.
 */
final class Connector {
    static final String PROJECTION = "model.connector.modality_projection.proj";

    private final int scale;
    private final Linear projection;

    Connector(VisionWeights w, Idefics3Config c) throws IOException {
        this.scale = c.scaleFactor();
        long in = (long) c.vision().hiddenSize() * scale * scale;
        this.projection = w.linear(PROJECTION, in, c.text().hiddenSize(), false);
    }

    Linear projection() { return projection; }

    /** Encoder output (N, P, E) → (N, P / s², D_text). */
    Tensor forward(Tensor features) { return projection.forward(pixelShuffle(features)); }

    /**
     * Hugging Face's pixel_shuffle, step for step (the order of views and permutes decides which patch lands in
     * which slice of the wide feature): (N, h, w, E) → (N, h, w/s, E·s) → swap → (N, w/s, h/s, E·s²) → swap →
     * (N, P/s², E·s²).
     */
    Tensor pixelShuffle(Tensor x) {
        long n = x.size(0);
        long seq = x.size(1);
        long e = x.size(2);
        long side = Math.round(Math.sqrt(seq));
        long s = scale;
        return x.reshape(n, side, side, e)
                .reshape(n, side, side / s, e * s)
                .permute(0, 2, 1, 3)
                .reshape(n, side / s, side / s, e * s * s)
                .permute(0, 2, 1, 3)
                .reshape(n, seq / (s * s), e * s * s);
    }
}
