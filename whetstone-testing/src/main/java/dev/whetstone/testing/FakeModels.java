package dev.whetstone.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Model folders that look like Hugging Face checkpoints to the model scanner, with no real weights. */
public final class FakeModels {
    private FakeModels() {}

    /** {@code <modelsDir>/<name>} with config, tokenizer and an empty safetensors file; a chat template if chat. */
    public static Path create(Path modelsDir, String name, boolean chat) {
        Path dir = modelsDir.resolve(name);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"LlamaForCausalLM\"],\"model_type\":\"llama\"}");
            Files.writeString(dir.resolve("tokenizer.json"), "{}");
            Files.writeString(dir.resolve("tokenizer_config.json"), chat
                    ? "{\"chat_template\":\"{% for m in messages %}{{ m.content }}{% endfor %}\"}" : "{}");
            Files.write(dir.resolve("model.safetensors"), emptySafetensors());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * A chat model folder whose config.json has a {@code vision_config}, as a vision-language checkpoint's has (the
     * model scanner then reports it as seeing images); no real weights.
     */
    public static Path createVision(Path modelsDir, String name) {
        Path dir = create(modelsDir, name, true);
        try {
            Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"Idefics3ForConditionalGeneration\"],"
                    + "\"model_type\":\"idefics3\",\"vision_config\":{\"model_type\":\"idefics3_vision\"}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The smallest valid safetensors file: an 8-byte little-endian header length, then the header "{}". */
    static byte[] emptySafetensors() {
        byte[] out = new byte[10];
        out[0] = 2;
        byte[] header = "{}".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, out, 8, 2);
        return out;
    }
}
