package dev.whetstone.engine.torch.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.torch.model.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes small random Idefics3ForConditionalGeneration checkpoints (config.json + model.safetensors, fp32) in the
 * published SmolVLM layout: {@code model.vision_model.*}, {@code model.connector.modality_projection.proj.weight},
 * {@code model.text_model.*}, {@code lm_head.weight}; config {@code vision_config}, {@code text_config},
 * {@code scale_factor}, {@code image_token_id}. No tokenizer or processor files (see TinyModels).
 */
public final class TinyVisionFactory {
    private TinyVisionFactory() {}

    /**
     * @param text         the Llama decoder (its {@code tied} decides the top-level tie_word_embeddings)
     * @param imageTokenId must be below text.vocabSize()
     */
    public record Spec(TinyModelFactory.Spec text, int visionHidden, int visionLayers, int visionHeads,
                       int visionIntermediate, int imageSize, int patchSize, int scaleFactor, int imageTokenId) {
        public Spec {
            if (text.arch() != TinyModelFactory.Arch.LLAMA) {
                throw new IllegalArgumentException("the text model of Idefics3 is Llama");
            }
        }

        /** Tokens per image frame: (imageSize / patchSize)² / scaleFactor². */
        public int imageSeqLen() {
            int side = imageSize / patchSize / scaleFactor;
            return side * side;
        }
    }

    public static void write(Path dir, Spec spec, long seed, TinyModelFactory.Init init) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config(json, spec));
        try (PointerScope scope = new PointerScope()) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Map<String, Tensor> w = new LinkedHashMap<>(vision(spec, rnd, init));
            // the Llama decoder's tensors under model.text_model. (lm_head.weight stays at the top)
            TinyModelFactory.llama(spec.text(), rnd, init).forEach((name, t) ->
                    w.put(name.startsWith("model.") ? "model.text_model." + name.substring(6) : name, t));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w, Map.of("format", "pt"));
        }
    }

    static ObjectNode config(ObjectMapper json, Spec s) {
        ObjectNode c = json.createObjectNode();
        c.putArray("architectures").add("Idefics3ForConditionalGeneration");
        c.put("model_type", "idefics3").put("image_token_id", s.imageTokenId()).put("scale_factor", s.scaleFactor())
                .put("tie_word_embeddings", s.text().tied()).put("torch_dtype", "float32").put("use_cache", true);
        c.putObject("vision_config").put("model_type", "idefics3_vision").put("hidden_size", s.visionHidden())
                .put("intermediate_size", s.visionIntermediate()).put("num_hidden_layers", s.visionLayers())
                .put("num_attention_heads", s.visionHeads()).put("num_channels", 3).put("image_size", s.imageSize())
                .put("patch_size", s.patchSize()).put("hidden_act", "gelu_pytorch_tanh").put("layer_norm_eps", 1e-6);
        ObjectNode text = TinyModelFactory.config(json, s.text());
        // SmolVLM's text_config names its training-time class; the decoder is chosen by model_type
        text.putArray("architectures").add("VLlama3ForCausalLM");
        c.set("text_config", text);
        return c;
    }

    private static Map<String, Tensor> vision(Spec s, SplittableRandom rnd, TinyModelFactory.Init init) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        String v = "model.vision_model.";
        int d = s.visionHidden();
        int p = s.patchSize();
        int positions = (s.imageSize() / p) * (s.imageSize() / p);
        w.put(v + "embeddings.patch_embedding.weight", TinyModelFactory.normal(rnd, init.std(3 * p * p), d, 3, p, p));
        w.put(v + "embeddings.patch_embedding.bias", TinyModelFactory.normal(rnd, 0.02, d));
        w.put(v + "embeddings.position_embedding.weight", TinyModelFactory.normal(rnd, 0.5, positions, d));
        for (int i = 0; i < s.visionLayers(); i++) {
            String l = v + "encoder.layers." + i;
            layerNorm(w, rnd, l + ".layer_norm1", d);
            for (String proj : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
                linear(w, rnd, init, l + ".self_attn." + proj, d, d);
            }
            layerNorm(w, rnd, l + ".layer_norm2", d);
            linear(w, rnd, init, l + ".mlp.fc1", s.visionIntermediate(), d);
            linear(w, rnd, init, l + ".mlp.fc2", d, s.visionIntermediate());
        }
        layerNorm(w, rnd, v + "post_layernorm", d);
        int in = d * s.scaleFactor() * s.scaleFactor();
        w.put("model.connector.modality_projection.proj.weight",
                TinyModelFactory.normal(rnd, init.std(in), s.text().hidden(), in));
        return w;
    }

    private static void linear(Map<String, Tensor> w, SplittableRandom rnd, TinyModelFactory.Init init, String name,
                               int out, int in) {
        w.put(name + ".weight", TinyModelFactory.normal(rnd, init.std(in), out, in));
        w.put(name + ".bias", TinyModelFactory.normal(rnd, 0.02, out));
    }

    /** Weights near 1 and small biases, perturbed so that a pass ignoring either is caught by the reference test. */
    private static void layerNorm(Map<String, Tensor> w, SplittableRandom rnd, String name, int d) {
        w.put(name + ".weight", TinyModelFactory.ones(rnd, d));
        w.put(name + ".bias", TinyModelFactory.normal(rnd, 0.05, d));
    }
}
