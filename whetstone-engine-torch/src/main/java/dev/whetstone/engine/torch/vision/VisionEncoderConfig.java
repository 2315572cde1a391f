package dev.whetstone.engine.torch.vision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.torch.model.UnsupportedModelException;

/**
 * The SigLIP vision transformer of an Idefics3 checkpoint ({@code vision_config}, Idefics3VisionConfig's keys and
 * defaults).
 *
 * @param imageSize square input side in pixels; the position table has (imageSize / patchSize)² rows
 * @param patchSize side of the square patches the stride-patchSize convolution embeds
 * @param geluTanh  hidden_act gelu_pytorch_tanh (SigLIP's), else exact gelu
 */
public record VisionEncoderConfig(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numChannels,
                                  int imageSize, int patchSize, double layerNormEps, boolean geluTanh) {

    public VisionEncoderConfig {
        if (hiddenSize % numHeads != 0) {
            throw new UnsupportedModelException("vision_config: hidden_size " + hiddenSize
                    + " is not a multiple of num_attention_heads " + numHeads);
        }
        if (imageSize % patchSize != 0) {
            throw new UnsupportedModelException("vision_config: image_size " + imageSize
                    + " is not a multiple of patch_size " + patchSize);
        }
    }

    /** Patches along one side of a full image. */
    public int patchesPerSide() { return imageSize / patchSize; }

    public int headDim() { return hiddenSize / numHeads; }

    static VisionEncoderConfig parse(JsonNode v, String where) {
        String act = v.path("hidden_act").asText("gelu_pytorch_tanh");
        boolean tanh = switch (act) {
            case "gelu_pytorch_tanh", "gelu_new", "gelu_fast" -> true;
            case "gelu" -> false;
            default -> throw new UnsupportedModelException(where + ": vision_config.hidden_act '" + act
                    + "' is not supported; expected gelu_pytorch_tanh or gelu");
        };
        int channels = v.path("num_channels").asInt(3);
        if (channels != 3) {
            throw new UnsupportedModelException(where + ": vision_config.num_channels " + channels
                    + " is not supported; the processor produces RGB (3 channels)");
        }
        return new VisionEncoderConfig(v.path("hidden_size").asInt(1152), v.path("intermediate_size").asInt(3072),
                v.path("num_hidden_layers").asInt(12), v.path("num_attention_heads").asInt(16), channels,
                v.path("image_size").asInt(224), v.path("patch_size").asInt(32),
                v.path("layer_norm_eps").asDouble(1e-6), tanh);
    }
}
