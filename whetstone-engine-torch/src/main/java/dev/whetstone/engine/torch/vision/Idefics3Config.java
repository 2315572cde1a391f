package dev.whetstone.engine.torch.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.engine.torch.model.ModelConfig;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An {@code Idefics3ForConditionalGeneration} config.json (SmolVLM, Idefics3): Idefics3Config's keys and defaults.
 *
 * @param scaleFactor  the connector's pixel shuffle folds scaleFactor × scaleFactor patches into one token
 * @param imageTokenId the {@code <image>} token whose embeddings the image features replace
 * @param tiedHead     top-level tie_word_embeddings (default false): the head is the token embedding matrix
 */
public record Idefics3Config(VisionEncoderConfig vision, ModelConfig text, int scaleFactor, int imageTokenId,
                             boolean tiedHead) {
    public static final String ARCHITECTURE = "Idefics3ForConditionalGeneration";

    public Idefics3Config {
        if (scaleFactor < 1 || vision.patchesPerSide() % scaleFactor != 0) {
            throw new UnsupportedModelException("config.json: scale_factor " + scaleFactor + " does not divide the "
                    + vision.patchesPerSide() + " patches per side (vision_config image_size / patch_size)");
        }
        if (imageTokenId < 0 || imageTokenId >= text.vocabSize()) {
            throw new UnsupportedModelException("config.json: image_token_id " + imageTokenId
                    + " is outside text_config.vocab_size " + text.vocabSize());
        }
    }

    /**
     * Tokens one image frame becomes: (patches per side)² / scale_factor² — Idefics3Model.image_seq_len, and what
     * the processor's image_seq_len must be.
     */
    public int imageSeqLen() {
        int side = vision.patchesPerSide() / scaleFactor;
        return side * side;
    }

    /** Whether {@code dir/config.json} names this architecture (the one vision-language family supported). */
    public static boolean isVisionModel(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) return false;
        JsonNode archs = new ObjectMapper().readTree(file.toFile()).path("architectures");
        return archs.isArray() && !archs.isEmpty() && archs.get(0).asText().equals(ARCHITECTURE);
    }

    public static Idefics3Config read(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + ": a Hugging Face model folder needs config.json");
        }
        return parse(new ObjectMapper().readTree(file.toFile()), file.toString());
    }

    static Idefics3Config parse(JsonNode c, String where) {
        String arch = c.path("architectures").path(0).asText("");
        if (!arch.equals(ARCHITECTURE)) {
            throw new UnsupportedModelException(where + ": architecture '" + arch + "' is not a supported"
                    + " vision-language model; supported: " + ARCHITECTURE);
        }
        if (!c.path("vision_config").isObject()) {
            throw new UnsupportedModelException(where + ": " + ARCHITECTURE + " needs a 'vision_config' object");
        }
        if (!c.path("text_config").isObject()) {
            // Idefics3Config would fall back to Llama-3-8B's defaults, which no small checkpoint has
            throw new UnsupportedModelException(where + ": " + ARCHITECTURE + " needs a 'text_config' object");
        }
        VisionEncoderConfig vision = VisionEncoderConfig.parse(c.get("vision_config"), where);
        ModelConfig text = ModelConfig.readText(c.get("text_config"), where);
        return new Idefics3Config(vision, text, c.path("scale_factor").asInt(2),
                c.path("image_token_id").asInt(128257), c.path("tie_word_embeddings").asBoolean(false));
    }
}
