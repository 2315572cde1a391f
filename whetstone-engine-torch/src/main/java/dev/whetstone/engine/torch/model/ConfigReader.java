package dev.whetstone.engine.torch.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parses Hugging Face {@code config.json} into a {@link ModelConfig}, refusing options the engine lacks. */
final class ConfigReader {
    private ConfigReader() {}

    static ModelConfig read(Path modelDir) throws IOException {
        Path file = modelDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + ": a Hugging Face model folder needs config.json");
        }
        return parse(new ObjectMapper().readTree(file.toFile()), file.toString());
    }

    static ModelConfig parse(JsonNode c, String where) {
        JsonNode archs = c.path("architectures");
        if (!archs.isArray() || archs.isEmpty()) {
            throw new UnsupportedModelException(where + ": no 'architectures' entry; supported: "
                    + Architecture.supportedNames());
        }
        Architecture arch = Architecture.fromHfName(archs.get(0).asText(), where);
        return arch == Architecture.GPT2 ? gpt2(c, where) : llamaLike(c, arch, where);
    }

    private static ModelConfig llamaLike(JsonNode c, Architecture arch, String where) {
        int hidden = required(c, "hidden_size", where);
        int heads = required(c, "num_attention_heads", where);
        int kvHeads = c.path("num_key_value_heads").asInt(heads);
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : hidden / heads;
        boolean qwen = arch == Architecture.QWEN2;
        boolean attentionBias = c.path("attention_bias").asBoolean(false);
        String act = c.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new UnsupportedModelException(where + ": hidden_act '" + act + "' is not supported; expected silu");
        }
        if (qwen && c.path("use_sliding_window").asBoolean(false)) {
            throw new UnsupportedModelException(where + ": use_sliding_window=true is not supported; set it to"
                    + " false (Qwen2 checkpoints are trained without it)");
        }
        Integer window = !qwen && c.hasNonNull("sliding_window") ? c.get("sliding_window").asInt() : null;
        return new ModelConfig(arch, required(c, "vocab_size", where), hidden, required(c, "num_hidden_layers", where),
                heads, kvHeads, headDim, required(c, "intermediate_size", where),
                c.path("max_position_embeddings").asInt(2048), c.path("rms_norm_eps").asDouble(1e-6),
                c.path("rope_theta").asDouble(10000.0), ropeScaling(c.path("rope_scaling"), where),
                qwen || attentionBias, attentionBias, c.path("mlp_bias").asBoolean(false),
                c.path("tie_word_embeddings").asBoolean(false), ModelConfig.Activation.SILU, window,
                optionalInt(c, "bos_token_id"), ids(c.path("eos_token_id")), textOrNull(c, "torch_dtype"));
    }

    private static ModelConfig gpt2(JsonNode c, String where) {
        int hidden = required(c, "n_embd", where);
        int heads = required(c, "n_head", where);
        if (c.path("scale_attn_by_inverse_layer_idx").asBoolean(false)
                || c.path("reorder_and_upcast_attn").asBoolean(false)) {
            throw new UnsupportedModelException(where + ": GPT-2 options scale_attn_by_inverse_layer_idx and"
                    + " reorder_and_upcast_attn are not supported");
        }
        String act = c.path("activation_function").asText("gelu_new");
        ModelConfig.Activation activation = switch (act) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> ModelConfig.Activation.GELU_TANH;
            case "gelu" -> ModelConfig.Activation.GELU;
            default -> throw new UnsupportedModelException(where + ": activation_function '" + act
                    + "' is not supported; expected gelu_new or gelu");
        };
        int inner = c.hasNonNull("n_inner") ? c.get("n_inner").asInt() : 4 * hidden;
        return new ModelConfig(Architecture.GPT2, required(c, "vocab_size", where), hidden,
                required(c, "n_layer", where), heads, heads, hidden / heads, inner, c.path("n_positions").asInt(1024),
                c.path("layer_norm_epsilon").asDouble(1e-5), 0, null, true, true, true, true, activation, null,
                optionalInt(c, "bos_token_id"), ids(c.path("eos_token_id")), textOrNull(c, "torch_dtype"));
    }

    private static RopeScaling ropeScaling(JsonNode s, String where) {
        if (s.isMissingNode() || s.isNull()) return null;
        String type = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("default");
        return switch (type) {
            case "default" -> null;
            case "linear" -> new RopeScaling("linear", s.path("factor").asDouble(1.0), 0, 0, 0);
            case "llama3" -> new RopeScaling("llama3", s.path("factor").asDouble(8.0),
                    s.path("low_freq_factor").asDouble(1.0), s.path("high_freq_factor").asDouble(4.0),
                    s.path("original_max_position_embeddings").asInt(8192));
            default -> throw new UnsupportedModelException(where + ": rope_scaling type '" + type
                    + "' is not supported; supported: llama3, linear");
        };
    }

    private static int required(JsonNode c, String field, String where) {
        if (!c.hasNonNull(field)) {
            throw new UnsupportedModelException(where + ": required field '" + field + "' is missing");
        }
        return c.get(field).asInt();
    }

    private static Integer optionalInt(JsonNode c, String field) {
        return c.hasNonNull(field) ? c.get(field).asInt() : null;
    }

    private static String textOrNull(JsonNode c, String field) {
        return c.hasNonNull(field) ? c.get(field).asText() : null;
    }

    private static List<Integer> ids(JsonNode n) {
        List<Integer> out = new ArrayList<>();
        if (n.isArray()) n.forEach(x -> out.add(x.asInt()));
        else if (n.isNumber()) out.add(n.asInt());
        return out;
    }
}
