package dev.whetstone.engine.torch.vision;

import dev.whetstone.engine.torch.model.Linear;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The SigLIP vision transformer of Idefics3 (Idefics3VisionTransformer): patch embedding, learned position
 * embeddings, pre-LN encoder layers, post layernorm. Weights under {@code model.vision_model.}.
 */
final class VisionEncoder {
    static final String PREFIX = "model.vision_model.";

    private final VisionEncoderConfig config;
    private final Tensor patchWeight;
    private final Tensor patchBias;
    private final Tensor positions;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private final LayerNorm postNorm;

    VisionEncoder(VisionWeights w, VisionEncoderConfig c) throws IOException {
        this.config = c;
        long d = c.hiddenSize();
        long p = c.patchSize();
        this.patchWeight = w.get(PREFIX + "embeddings.patch_embedding.weight", d, c.numChannels(), p, p);
        this.patchBias = w.get(PREFIX + "embeddings.patch_embedding.bias", d);
        long n = (long) c.patchesPerSide() * c.patchesPerSide();
        this.positions = w.get(PREFIX + "embeddings.position_embedding.weight", n, d);
        for (int i = 0; i < c.numLayers(); i++) layers.add(new EncoderLayer(w, PREFIX + "encoder.layers." + i, c));
        this.postNorm = w.layerNorm(PREFIX + "post_layernorm", d, c.layerNormEps());
    }

    List<Linear> linears() {
        List<Linear> out = new ArrayList<>();
        for (EncoderLayer l : layers) out.addAll(l.linears());
        return out;
    }

    /**
     * pixels (N, C, S, S), S = image_size, in the weights' dtype → (N, (S/p)², D).
     *
     * <p>The patch convolution (kernel = stride = p, "valid") is one product: each p × p patch flattened in the
     * conv weight's (C, p, p) order times the weight viewed as (D, C·p·p). A full frame's patches take the position
     * ids 0 … (S/p)² − 1 in row-major order, which is what Idefics3VisionEmbeddings' bucketing gives when the patch
     * grid equals the position grid.
     */
    Tensor forward(Tensor pixels) {
        long n = pixels.size(0);
        long c = config.numChannels();
        long p = config.patchSize();
        long side = config.patchesPerSide();
        if (pixels.dim() != 4 || pixels.size(1) != c || pixels.size(2) != config.imageSize()
                || pixels.size(3) != config.imageSize()) {
            throw new IllegalArgumentException("vision encoder input has shape " + java.util.Arrays.toString(
                    pixels.shape()) + "; expected (frames, " + c + ", " + config.imageSize() + ", "
                    + config.imageSize() + ") (vision_config.image_size)");
        }
        // 1. patches (N, side², C·p·p): (N, C, side, p, side, p) → (N, side, side, C, p, p)
        Tensor patches = pixels.reshape(n, c, side, p, side, p).permute(0, 2, 4, 1, 3, 5)
                .reshape(n, side * side, c * p * p);
        // 2. patch embeddings plus position embeddings (N, side², D)
        Tensor h = torch.linear(patches, patchWeight.reshape(patchWeight.size(0), -1), new TensorOptional(patchBias))
                .add(positions);
        // 3. the encoder layers, then the post layernorm
        for (EncoderLayer layer : layers) h = layer.forward(h);
        return postNorm.forward(h);
    }

    VisionEncoderConfig config() { return config; }
}
