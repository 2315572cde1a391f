package dev.whetstone.engine.torch.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A checkpoint's {@code preprocessor_config.json} (Idefics3ImageProcessor's keys and defaults) and the
 * processor's {@code image_seq_len} from {@code processor_config.json} (Idefics3Processor, default 169).
 *
 * @param longestEdge    do_resize's target for the longest edge (size.longest_edge), or 0 when do_resize is false
 * @param maxImageSize   the side of every frame the encoder sees (max_image_size.longest_edge)
 * @param rescaleFactor  applied when do_rescale (else 1), in float64 then rounded to fp32 as transformers' rescale does
 * @param mean           per-channel image_mean (applied when do_normalize, else 0)
 * @param std            per-channel image_std (applied when do_normalize, else 1)
 */
public record ProcessorConfig(int longestEdge, PilResize.Filter resample, boolean splitImages, int maxImageSize,
                              double rescaleFactor, float[] mean, float[] std, int imageSeqLen) {
    /** Hugging Face's MAX_IMAGE_SIZE: no resized side exceeds it. */
    static final int MAX_IMAGE_SIZE = 4096;

    public static ProcessorConfig read(Path dir) throws IOException {
        Path file = dir.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": a vision-language model folder needs preprocessor_config.json");
        }
        ObjectMapper json = new ObjectMapper();
        Path processor = dir.resolve("processor_config.json");
        int seqLen = Files.isRegularFile(processor)
                ? json.readTree(processor.toFile()).path("image_seq_len").asInt(169) : 169;
        return parse(json.readTree(file.toFile()), seqLen, file.toString());
    }

    static ProcessorConfig parse(JsonNode c, int imageSeqLen, String where) {
        String type = c.path("image_processor_type").asText("Idefics3ImageProcessor");
        if (!type.equals("Idefics3ImageProcessor")) {
            throw new IllegalArgumentException(where + ": image_processor_type '" + type
                    + "' is not supported; supported: Idefics3ImageProcessor");
        }
        boolean resize = c.path("do_resize").asBoolean(true);
        int longest = resize ? edge(c.path("size"), 4 * 364, where, "size") : 0;
        if (longest > MAX_IMAGE_SIZE) {
            throw new IllegalArgumentException(where + ": size.longest_edge " + longest + " exceeds " + MAX_IMAGE_SIZE);
        }
        int max = edge(c.path("max_image_size"), 364, where, "max_image_size");
        boolean rescale = c.path("do_rescale").asBoolean(true);
        boolean normalize = c.path("do_normalize").asBoolean(true);
        float[] mean = normalize ? triple(c.path("image_mean"), 0.5f, where, "image_mean") : new float[3];
        float[] std = normalize ? triple(c.path("image_std"), 0.5f, where, "image_std") : new float[] {1, 1, 1};
        return new ProcessorConfig(longest, PilResize.Filter.of(c.path("resample").asInt(1), where),
                c.path("do_image_splitting").asBoolean(true), max,
                rescale ? c.path("rescale_factor").asDouble(1 / 255.0) : 1.0, mean, std, imageSeqLen);
    }

    private static int edge(JsonNode size, int fallback, String where, String key) {
        if (size.isMissingNode() || size.isNull()) return fallback;
        if (!size.has("longest_edge")) {
            throw new IllegalArgumentException(where + ": " + key + " must be {\"longest_edge\": n}; got " + size);
        }
        int v = size.get("longest_edge").asInt();
        if (v < 1) throw new IllegalArgumentException(where + ": " + key + ".longest_edge must be positive");
        return v;
    }

    /** A float or a list of three (IMAGENET_STANDARD_MEAN/STD are 0.5 each). */
    private static float[] triple(JsonNode n, float fallback, String where, String key) {
        if (n.isMissingNode() || n.isNull()) return new float[] {fallback, fallback, fallback};
        if (n.isNumber()) return new float[] {n.floatValue(), n.floatValue(), n.floatValue()};
        if (!n.isArray() || n.size() != 3) {
            throw new IllegalArgumentException(where + ": " + key + " must be a number or a list of 3; got " + n);
        }
        return new float[] {n.get(0).floatValue(), n.get(1).floatValue(), n.get(2).floatValue()};
    }
}
