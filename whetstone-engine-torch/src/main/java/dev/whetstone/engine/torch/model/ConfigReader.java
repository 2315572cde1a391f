package dev.whetstone.engine.torch.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Parses Hugging Face {@code config.json} into a {@link ModelConfig}, refusing options the engine lacks. */
final class ConfigReader {
    private ConfigReader() {}

    static ModelConfig read(Path modelDir) throws IOException {
        Path file = modelDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + ": a Hugging Face model folder needs config.json");
        }
        JsonNode c = new ObjectMapper().readTree(file.toFile());
        if (c.path("architectures").path(0).asText("").equals(MULTIMODAL)) {
            // sizes (context, widths) for planning come from the decoder; its weights load through the vision package
            return parseText(c.path("text_config"), file.toString());
        }
        return parse(c, file.toString());
    }

    static boolean isMultimodal(Path modelDir) throws IOException {
        Path file = modelDir.resolve("config.json");
        return Files.isRegularFile(file)
                && new ObjectMapper().readTree(file.toFile()).path("architectures").path(0).asText("").equals(MULTIMODAL);
    }

    /** The one vision-language architecture; its decoder is described by text_config. */
    static final String MULTIMODAL = "Idefics3ForConditionalGeneration";

    static ModelConfig parse(JsonNode c, String where) {
        JsonNode archs = c.path("architectures");
        if (!archs.isArray() || archs.isEmpty()) {
            throw new UnsupportedModelException(where + ": no 'architectures' entry; supported: "
                    + Architecture.supportedNames());
        }
        Architecture arch = Architecture.fromHfName(archs.get(0).asText(), where);
        if (c.has("rope_parameters")) {
            // transformers 5 moved rope_theta/rope_scaling into per-layer-type rope_parameters; reading only the
            // old keys would silently rotate with the wrong base
            throw new UnsupportedModelException(where + ": 'rope_parameters' (the transformers 5 layout) is not"
                    + " supported; save the config with rope_theta and rope_scaling");
        }
        if (arch != Architecture.GEMMA2 && arch != Architecture.GEMMA3) {
            for (String cap : List.of("attn_logit_softcapping", "final_logit_softcapping")) {
                if (c.hasNonNull(cap)) {
                    throw new UnsupportedModelException(where + ": '" + cap + "' is set, but " + arch
                            + " models do not soft-cap; only Gemma 2 and Gemma 3 do");
                }
            }
        }
        return switch (arch) {
            case GPT2 -> gpt2(c, where);
            case GEMMA2, GEMMA3 -> gemma(c, arch, where);
            case PHI3 -> phi3(c, where);
            default -> llamaLike(c, arch, where);
        };
    }

    /**
     * The {@code text_config} of a multimodal checkpoint: its {@code model_type} (default "llama", as Idefics3Config
     * assumes) names the decoder; its {@code architectures} entry, when present, names a training-time class
     * (SmolVLM's "VLlama3ForCausalLM") and is not used.
     */
    static ModelConfig parseText(JsonNode textConfig, String where) {
        String type = textConfig.path("model_type").asText("llama");
        if (!type.equals("llama")) {
            throw new UnsupportedModelException(where + ": text_config.model_type '" + type
                    + "' is not supported; supported: llama");
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = textConfig.deepCopy();
        copy.putArray("architectures").add("LlamaForCausalLM");
        return parse(copy, where + " (text_config)");
    }

    private static ModelConfig llamaLike(JsonNode c, Architecture arch, String where) {
        int hidden = required(c, "hidden_size", where);
        int heads = required(c, "num_attention_heads", where);
        int layers = required(c, "num_hidden_layers", where);
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : hidden / heads;
        boolean qwen = arch == Architecture.QWEN2 || arch == Architecture.QWEN3 || arch == Architecture.SMOLLM3;
        boolean attentionBias = c.path("attention_bias").asBoolean(false);
        String act = c.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new UnsupportedModelException(where + ": hidden_act '" + act + "' is not supported; expected silu");
        }
        if (qwen && c.path("use_sliding_window").asBoolean(false)) {
            throw new UnsupportedModelException(where + ": use_sliding_window=true is not supported; set it to"
                    + " false (Qwen2, Qwen3 and SmolLM3 checkpoints are trained without it)");
        }
        // Mistral's window binds every layer; Qwen's sliding_window is inert while use_sliding_window is false
        Integer window = arch == Architecture.MISTRAL && c.hasNonNull("sliding_window")
                ? c.get("sliding_window").asInt() : null;
        checkLayerTypes(c, layers, window != null, where);
        List<ModelConfig.LayerKind> kinds = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            boolean rope = arch != Architecture.SMOLLM3 || usesRope(c, i, layers, where);
            kinds.add(new ModelConfig.LayerKind(window != null,
                    rope ? ModelConfig.LayerRope.GLOBAL : ModelConfig.LayerRope.NONE));
        }
        return new ModelConfig(arch, required(c, "vocab_size", where), hidden, layers,
                heads, kvHeads(c, heads), headDim, required(c, "intermediate_size", where),
                c.path("max_position_embeddings").asInt(2048), c.path("rms_norm_eps").asDouble(1e-6),
                c.path("rope_theta").asDouble(10000.0), ropeScaling(c.path("rope_scaling"), where),
                arch == Architecture.QWEN2 || attentionBias, attentionBias, c.path("mlp_bias").asBoolean(false),
                c.path("tie_word_embeddings").asBoolean(false), ModelConfig.Activation.SILU, window,
                optionalInt(c, "bos_token_id"), ids(c.path("eos_token_id")), textOrNull(c, "torch_dtype"),
                ModelConfig.NormForm.STANDARD, arch == Architecture.QWEN3, false, false, 1 / Math.sqrt(headDim),
                null, null, kinds, 0, headDim, null);
    }

    /**
     * SmolLM3: layer i rotates iff no_rope_layers[i] is 1; without the list, every no_rope_layer_interval-th layer
     * (default 4) goes without.
     */
    private static boolean usesRope(JsonNode c, int i, int layers, String where) {
        JsonNode list = c.path("no_rope_layers");
        if (!list.isArray()) return (i + 1) % c.path("no_rope_layer_interval").asInt(4) != 0;
        if (list.size() != layers) {
            throw new UnsupportedModelException(where + ": no_rope_layers has " + list.size()
                    + " entries but num_hidden_layers is " + layers);
        }
        return list.get(i).asInt() != 0;
    }

    /**
     * Gemma 2 and Gemma 3 (text): layer i is sliding as {@code layer_types} says, or by the family's default pattern
     * (Gemma 2: even layers; Gemma 3: all but every sliding_window_pattern-th).
     */
    private static ModelConfig gemma(JsonNode c, Architecture arch, String where) {
        boolean gemma3 = arch == Architecture.GEMMA3;
        int hidden = required(c, "hidden_size", where);
        int heads = required(c, "num_attention_heads", where);
        int layers = required(c, "num_hidden_layers", where);
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : 256;
        String act = c.hasNonNull("hidden_activation") ? c.get("hidden_activation").asText()
                : c.path("hidden_act").asText("gelu_pytorch_tanh");
        if (!act.equals("gelu_pytorch_tanh")) {
            throw new UnsupportedModelException(where + ": hidden_activation '" + act
                    + "' is not supported; expected gelu_pytorch_tanh");
        }
        if (c.path("attention_bias").asBoolean(false)) {
            throw new UnsupportedModelException(where + ": attention_bias=true is not supported for " + arch);
        }
        int pattern = c.path("sliding_window_pattern").asInt(6);
        List<ModelConfig.LayerKind> kinds = new ArrayList<>();
        JsonNode types = c.path("layer_types");
        if (types.isArray() && types.size() != layers) {
            throw new UnsupportedModelException(where + ": layer_types has " + types.size()
                    + " entries but num_hidden_layers is " + layers);
        }
        for (int i = 0; i < layers; i++) {
            boolean sliding = types.isArray() ? layerType(types, i, where)
                    : gemma3 ? (i + 1) % pattern != 0 : i % 2 == 0;
            // Gemma 3's local layers rotate with rope_local_base_freq and no scaling; Gemma 2 has one table
            kinds.add(new ModelConfig.LayerKind(sliding, sliding && gemma3 ? ModelConfig.LayerRope.LOCAL
                    : ModelConfig.LayerRope.GLOBAL));
        }
        Integer window = c.hasNonNull("sliding_window") ? c.get("sliding_window").asInt() : null;
        double scalar = c.path("query_pre_attn_scalar").asDouble(headDim);
        return new ModelConfig(arch, required(c, "vocab_size", where), hidden, layers, heads, kvHeads(c, heads),
                headDim, required(c, "intermediate_size", where), c.path("max_position_embeddings").asInt(8192),
                c.path("rms_norm_eps").asDouble(1e-6), c.path("rope_theta").asDouble(10000.0),
                ropeScaling(c.path("rope_scaling"), where), false, false, false,
                c.path("tie_word_embeddings").asBoolean(true), ModelConfig.Activation.GELU_TANH, window,
                optionalInt(c, "bos_token_id"), ids(c.path("eos_token_id")), textOrNull(c, "torch_dtype"),
                ModelConfig.NormForm.GEMMA, gemma3, true, true, 1 / Math.sqrt(scalar),
                optionalDouble(c, "attn_logit_softcapping"), optionalDouble(c, "final_logit_softcapping"), kinds,
                c.path("rope_local_base_freq").asDouble(10000.0), headDim, null);
    }

    /**
     * Phi-3 / Phi-3.5 / Phi-4-mini (transformers' Phi3Config and modeling_phi3): no biases anywhere (the modelling code
     * builds qkv_proj, o_proj, gate_up_proj and down_proj without them, whatever attention_bias says), RoPE on the
     * first head_dim × partial_rotary_factor dimensions, longrope scaling, every layer sliding when sliding_window is
     * set.
     */
    private static ModelConfig phi3(JsonNode c, String where) {
        int hidden = required(c, "hidden_size", where);
        int heads = required(c, "num_attention_heads", where);
        int layers = required(c, "num_hidden_layers", where);
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : hidden / heads;
        String act = c.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new UnsupportedModelException(where + ": hidden_act '" + act + "' is not supported; expected silu");
        }
        double partial = c.path("partial_rotary_factor").asDouble(1.0);
        int rotaryDim = (int) (headDim * partial);   // Python's int(): truncation
        if (rotaryDim <= 0 || rotaryDim % 2 != 0) {
            throw new UnsupportedModelException(where + ": the rotary dimension " + rotaryDim + " (head_dim × "
                    + "partial_rotary_factor = " + headDim + " × " + partial + ") must be even and positive");
        }
        int maxPositions = c.path("max_position_embeddings").asInt(4096);
        Integer window = c.hasNonNull("sliding_window") ? c.get("sliding_window").asInt() : null;
        checkLayerTypes(c, layers, window != null, where);
        List<ModelConfig.LayerKind> kinds = Collections.nCopies(layers,
                new ModelConfig.LayerKind(window != null, ModelConfig.LayerRope.GLOBAL));
        return new ModelConfig(Architecture.PHI3, required(c, "vocab_size", where), hidden, layers, heads,
                kvHeads(c, heads), headDim, required(c, "intermediate_size", where), maxPositions,
                c.path("rms_norm_eps").asDouble(1e-5), c.path("rope_theta").asDouble(10000.0), null, false, false,
                false, c.path("tie_word_embeddings").asBoolean(false), ModelConfig.Activation.SILU, window,
                optionalInt(c, "bos_token_id"), ids(c.path("eos_token_id")), textOrNull(c, "torch_dtype"),
                ModelConfig.NormForm.STANDARD, false, false, false, 1 / Math.sqrt(headDim), null, null, kinds, 0,
                rotaryDim, longRope(c, rotaryDim, maxPositions, where));
    }

    /**
     * Phi-3's rope_scaling: null or "default" (none), or "longrope" ("su" is its older name, which Phi3Config
     * renames) with rotary_dim / 2 short and long factors. The pre-training context is
     * original_max_position_embeddings (Phi3Config's default 4096), and the attention factor, unless given, is
     * √(1 + ln(s) / ln(original)) with s = max_position_embeddings / original, 1 when s ≤ 1.
     */
    private static LongRope longRope(JsonNode c, int rotaryDim, int maxPositions, String where) {
        JsonNode s = c.path("rope_scaling");
        if (s.isMissingNode() || s.isNull()) return null;
        String type = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("default");
        if (type.equals("default")) return null;
        if (!type.equals("longrope") && !type.equals("su")) {
            throw new UnsupportedModelException(where + ": rope_scaling type '" + type + "' is not supported for"
                    + " Phi3ForCausalLM; supported: longrope");
        }
        double[] shortFactor = factors(s, "short_factor", rotaryDim / 2, where);
        double[] longFactor = factors(s, "long_factor", rotaryDim / 2, where);
        int original = c.path("original_max_position_embeddings").asInt(4096);
        double scale = (double) maxPositions / original;
        double attention = s.hasNonNull("attention_factor") ? s.get("attention_factor").asDouble()
                : scale <= 1 ? 1.0 : Math.sqrt(1 + Math.log(scale) / Math.log(original));
        return new LongRope(shortFactor, longFactor, original, attention);
    }

    private static double[] factors(JsonNode s, String key, int n, String where) {
        JsonNode list = s.path(key);
        if (!list.isArray() || list.size() != n) {
            throw new UnsupportedModelException(where + ": rope_scaling." + key + " must be a list of " + n
                    + " numbers (rotary dimension / 2), got " + (list.isArray() ? list.size() + " entries" : list));
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (!list.get(i).isNumber()) {
                throw new UnsupportedModelException(where + ": rope_scaling." + key + "[" + i + "] is not a number");
            }
            out[i] = list.get(i).asDouble();
        }
        return out;
    }

    /** A family without per-layer choices accepts layer_types only when every entry says what it does anyway. */
    private static void checkLayerTypes(JsonNode c, int layers, boolean sliding, String where) {
        JsonNode types = c.path("layer_types");
        if (!types.isArray()) return;
        if (types.size() != layers) {
            throw new UnsupportedModelException(where + ": layer_types has " + types.size()
                    + " entries but num_hidden_layers is " + layers);
        }
        for (int i = 0; i < layers; i++) {
            if (layerType(types, i, where) != sliding) {
                throw new UnsupportedModelException(where + ": layer_types[" + i + "] is '" + types.get(i).asText()
                        + "', which this family does not support; every layer must be "
                        + (sliding ? "sliding_attention" : "full_attention"));
            }
        }
    }

    private static boolean layerType(JsonNode types, int i, String where) {
        String t = types.path(i).asText();
        return switch (t) {
            case "sliding_attention" -> true;
            case "full_attention" -> false;
            default -> throw new UnsupportedModelException(where + ": layer_types[" + i + "] '" + t
                    + "' is not supported; expected sliding_attention or full_attention");
        };
    }

    private static int kvHeads(JsonNode c, int heads) { return c.path("num_key_value_heads").asInt(heads); }

    private static ModelConfig gpt2(JsonNode c, String where) {
        int hidden = required(c, "n_embd", where);
        int heads = required(c, "n_head", where);
        int layers = required(c, "n_layer", where);
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
        ModelConfig.LayerKind noRope = new ModelConfig.LayerKind(false, ModelConfig.LayerRope.NONE);
        return new ModelConfig(Architecture.GPT2, required(c, "vocab_size", where), hidden,
                layers, heads, heads, hidden / heads, inner, c.path("n_positions").asInt(1024),
                c.path("layer_norm_epsilon").asDouble(1e-5), 0, null, true, true, true, true, activation, null,
                optionalInt(c, "bos_token_id"), ids(c.path("eos_token_id")), textOrNull(c, "torch_dtype"),
                ModelConfig.NormForm.STANDARD, false, false, false, 1 / Math.sqrt((double) hidden / heads), null,
                null, Collections.nCopies(layers, noRope), 0, hidden / heads, null);
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

    private static Double optionalDouble(JsonNode c, String field) {
        return c.hasNonNull(field) ? c.get(field).asDouble() : null;
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
