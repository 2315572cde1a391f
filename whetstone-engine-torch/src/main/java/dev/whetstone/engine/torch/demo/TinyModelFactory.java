package dev.whetstone.engine.torch.demo;

import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.model.RopeScaling;
import dev.whetstone.engine.torch.model.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes small random Hugging Face checkpoints (config.json + model.safetensors, fp32) for tests and demos: the
 * default shape (hidden 64, 2 layers, context 512) fine-tunes in seconds on one core. Tokenizer files are not
 * written here (see the tokenizer package's TinyTokenizerFactory).
 */
public final class TinyModelFactory {
    private TinyModelFactory() {}

    /** The architectures the factory can write, each in its published config.json keys and tensor names. */
    public enum Arch { LLAMA, QWEN2, GPT2, QWEN3, MISTRAL, GEMMA2, GEMMA3, SMOLLM3, PHI3 }

    /**
     * @param ropeScaling   Llama (and Gemma 3's global layers), or null; Phi-3: {@code longrope} with its
     *                      originalMaxPositions (the factors are drawn by the factory), null for the default of
     *                      maxPositions / 2
     * @param attentionBias Llama and Qwen3 only: biases on q/k/v/o
     * @param slidingWindow Mistral, Gemma and Phi-3: the window, small enough that test sequences exceed it; null
     *                      elsewhere (and for Phi-3 by default, as Phi-3.5 and Phi-4-mini's windows exceed their context)
     */
    public record Spec(Arch arch, int vocabSize, int hidden, int layers, int heads, int kvHeads, int intermediate,
                       int maxPositions, boolean tied, RopeScaling ropeScaling, boolean attentionBias,
                       Integer slidingWindow) {
        /** The family's default tiny window (4 keys for Mistral and Gemma, so an 11-token test slides). */
        public Spec(Arch arch, int vocabSize, int hidden, int layers, int heads, int kvHeads, int intermediate,
                    int maxPositions, boolean tied, RopeScaling ropeScaling, boolean attentionBias) {
            this(arch, vocabSize, hidden, layers, heads, kvHeads, intermediate, maxPositions, tied, ropeScaling,
                    attentionBias, switch (arch) {
                        case MISTRAL, GEMMA2, GEMMA3 -> 4;
                        default -> null;
                    });
        }

        /** Qwen3 and Gemma set head_dim explicitly; the tiny ones use twice hidden / heads to exercise that. */
        public int headDim() {
            return switch (arch) {
                case QWEN3, GEMMA2, GEMMA3 -> 2 * hidden / heads;
                default -> hidden / heads;
            };
        }

        boolean gemma() { return arch == Arch.GEMMA2 || arch == Arch.GEMMA3; }

        /** Phi-3: rotary dimensions of a head at Phi-4-mini's partial_rotary_factor 0.75. */
        public int rotaryDim() { return arch == Arch.PHI3 ? (int) (headDim() * PHI3_PARTIAL_ROTARY) : headDim(); }

        /** Phi-3: the pre-training context at which longrope switches to its long factors. */
        public int originalMaxPositions() {
            return ropeScaling != null ? ropeScaling.originalMaxPositions() : maxPositions / 2;
        }

        /** hidden 64, 2 layers, 4 heads (2 KV heads where GQA exists), MLP 128, context 512, tied embeddings. */
        public static Spec tiny(Arch arch, int vocabSize) {
            int kv = arch == Arch.GPT2 ? 4 : 2;
            return new Spec(arch, vocabSize, 64, 2, 4, kv, 128, 512, true, null, false);
        }
    }

    /** Phi-4-mini's partial_rotary_factor. */
    public static final double PHI3_PARTIAL_ROTARY = 0.75;

    /** Writes the default tiny model of {@code arch}. */
    public static void writeWeights(Path dir, Arch arch, int vocabSize, long seed) throws IOException {
        write(dir, Spec.tiny(arch, vocabSize), seed);
    }

    /**
     * How the linear layers' weights are drawn. {@code SMALL}: N(0, 0.02²), Hugging Face's {@code initializer_range},
     * meant for wide models about to be pre-trained; at hidden 64–512 it makes every block nearly the identity, so
     * the random model is little more than a table of embeddings. {@code FAN_IN}: N(0, 1/in), which keeps a
     * signal's scale through each layer, so the blocks' random features mix tokens and positions.
     */
    public enum Init {
        SMALL, FAN_IN;

        double std(int in) { return this == SMALL ? 0.02 : 1 / Math.sqrt(in); }
    }

    /** Writes a model with {@link Init#SMALL} linear weights. */
    public static void write(Path dir, Spec spec, long seed) throws IOException {
        write(dir, spec, seed, Init.SMALL);
    }

    public static void write(Path dir, Spec spec, long seed, Init init) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config(json, spec));
        try (PointerScope scope = new PointerScope()) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Map<String, Tensor> w = switch (spec.arch()) {
                case GPT2 -> gpt2(spec, rnd, init);
                case PHI3 -> phi3(spec, rnd, init);
                default -> llama(spec, rnd, init);
            };
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w, Map.of("format", "pt"));
        }
    }

    static ObjectNode config(ObjectMapper json, Spec s) {
        ObjectNode c = json.createObjectNode();
        c.put("vocab_size", s.vocabSize()).put("torch_dtype", "float32")
                .put("bos_token_id", 1).put("eos_token_id", 2).put("tie_word_embeddings", s.tied());
        if (s.arch() == Arch.GPT2) {
            c.putArray("architectures").add("GPT2LMHeadModel");
            return c.put("model_type", "gpt2").put("n_embd", s.hidden()).put("n_layer", s.layers())
                    .put("n_head", s.heads()).put("n_positions", s.maxPositions()).put("n_inner", s.intermediate())
                    .put("activation_function", "gelu_new").put("layer_norm_epsilon", 1e-5);
        }
        if (s.arch() == Arch.PHI3) return phi3Config(c, s);
        boolean qwen = s.arch() == Arch.QWEN2 || s.arch() == Arch.QWEN3 || s.arch() == Arch.SMOLLM3;
        String[] names = switch (s.arch()) {
            case QWEN2 -> new String[] {"Qwen2ForCausalLM", "qwen2"};
            case QWEN3 -> new String[] {"Qwen3ForCausalLM", "qwen3"};
            case MISTRAL -> new String[] {"MistralForCausalLM", "mistral"};
            case GEMMA2 -> new String[] {"Gemma2ForCausalLM", "gemma2"};
            case GEMMA3 -> new String[] {"Gemma3ForCausalLM", "gemma3_text"};
            case SMOLLM3 -> new String[] {"SmolLM3ForCausalLM", "smollm3"};
            default -> new String[] {"LlamaForCausalLM", "llama"};
        };
        c.putArray("architectures").add(names[0]);
        c.put("model_type", names[1]).put("hidden_size", s.hidden())
                .put("intermediate_size", s.intermediate()).put("num_hidden_layers", s.layers())
                .put("num_attention_heads", s.heads()).put("num_key_value_heads", s.kvHeads())
                .put("max_position_embeddings", s.maxPositions()).put("rms_norm_eps", 1e-5)
                .put("rope_theta", qwen || s.arch() == Arch.GEMMA3 ? 1000000.0 : 10000.0);
        if (s.gemma()) {
            // Gemma's published keys; query_pre_attn_scalar ≠ head_dim and small soft-caps so tests see both act
            c.put("hidden_activation", "gelu_pytorch_tanh").put("head_dim", s.headDim())
                    .put("query_pre_attn_scalar", 24).put("attention_bias", false)
                    .put("sliding_window", s.slidingWindow());
            if (s.arch() == Arch.GEMMA2) {
                c.put("attn_logit_softcapping", 3.0).put("final_logit_softcapping", 5.0);
            } else {
                c.putNull("attn_logit_softcapping").putNull("final_logit_softcapping");
                c.put("sliding_window_pattern", 2).put("rope_local_base_freq", 10000.0);
            }
        } else {
            c.put("hidden_act", "silu");
        }
        if (qwen) c.put("use_sliding_window", false).putNull("sliding_window");
        if (s.arch() == Arch.QWEN3) c.put("head_dim", s.headDim()).put("max_window_layers", s.layers());
        if (s.arch() == Arch.MISTRAL) c.put("sliding_window", s.slidingWindow());
        if (s.arch() == Arch.SMOLLM3) {
            // published configs carry both: the list decides, the interval is how it was made (every 2nd here)
            c.put("no_rope_layer_interval", 2).put("attention_bias", false).put("mlp_bias", false);
            var list = c.putArray("no_rope_layers");
            for (int i = 0; i < s.layers(); i++) list.add((i + 1) % 2 != 0 ? 1 : 0);
        }
        if (s.arch() == Arch.LLAMA || s.arch() == Arch.QWEN3) c.put("attention_bias", s.attentionBias());
        if (s.ropeScaling() != null) {
            RopeScaling r = s.ropeScaling();
            ObjectNode rs = c.putObject("rope_scaling").put("rope_type", r.type()).put("factor", r.factor());
            if (r.type().equals("llama3")) {
                rs.put("low_freq_factor", r.lowFreqFactor()).put("high_freq_factor", r.highFreqFactor())
                        .put("original_max_position_embeddings", r.originalMaxPositions());
            }
        }
        return c;
    }

    /**
     * Phi-4-mini's published keys (Phi-3.5-mini's are the same but for partial_rotary_factor): longrope with
     * rotary_dim / 2 short factors near 1 and long ones growing with the pair index, as the published ones do.
     */
    private static ObjectNode phi3Config(ObjectNode c, Spec s) {
        c.putArray("architectures").add("Phi3ForCausalLM");
        c.put("model_type", "phi3").put("hidden_size", s.hidden()).put("intermediate_size", s.intermediate())
                .put("num_hidden_layers", s.layers()).put("num_attention_heads", s.heads())
                .put("num_key_value_heads", s.kvHeads()).put("max_position_embeddings", s.maxPositions())
                .put("original_max_position_embeddings", s.originalMaxPositions()).put("rms_norm_eps", 1e-5)
                .put("rope_theta", 10000.0).put("partial_rotary_factor", PHI3_PARTIAL_ROTARY)
                .put("hidden_act", "silu").put("attention_bias", false).put("mlp_bias", false)
                .put("lm_head_bias", false).put("attention_dropout", 0.0).put("resid_pdrop", 0.0)
                .put("embd_pdrop", 0.0).put("pad_token_id", 0).put("initializer_range", 0.02)
                .put("use_cache", true);
        if (s.slidingWindow() != null) c.put("sliding_window", s.slidingWindow());
        else c.putNull("sliding_window");
        ObjectNode rs = c.putObject("rope_scaling").put("type", "longrope");
        var shortFactor = rs.putArray("short_factor");
        var longFactor = rs.putArray("long_factor");
        int pairs = s.rotaryDim() / 2;
        for (int i = 0; i < pairs; i++) {
            shortFactor.add(1.0 + 0.05 * i);
            longFactor.add(1.0 + 1.5 * i);
        }
        return c;
    }

    /** Phi-3: q/k/v rows stacked in qkv_proj, gate and up rows in gate_up_proj, no biases. */
    private static Map<String, Tensor> phi3(Spec s, SplittableRandom rnd, Init init) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        int q = s.heads() * s.headDim();
        int kv = s.kvHeads() * s.headDim();
        w.put("model.embed_tokens.weight", normal(rnd, embeddingStd(s), s.vocabSize(), s.hidden()));
        for (int i = 0; i < s.layers(); i++) {
            String p = "model.layers." + i;
            w.put(p + ".input_layernorm.weight", ones(rnd, s.hidden()));
            linear(w, rnd, init, p + ".self_attn.qkv_proj", q + 2 * kv, s.hidden(), false);
            linear(w, rnd, init, p + ".self_attn.o_proj", s.hidden(), q, false);
            w.put(p + ".post_attention_layernorm.weight", ones(rnd, s.hidden()));
            linear(w, rnd, init, p + ".mlp.gate_up_proj", 2 * s.intermediate(), s.hidden(), false);
            linear(w, rnd, init, p + ".mlp.down_proj", s.hidden(), s.intermediate(), false);
        }
        w.put("model.norm.weight", ones(rnd, s.hidden()));
        if (!s.tied()) w.put("lm_head.weight", normal(rnd, embeddingStd(s), s.vocabSize(), s.hidden()));
        return w;
    }

    static Map<String, Tensor> llama(Spec s, SplittableRandom rnd, Init init) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        int hd = s.headDim();
        int q = s.heads() * hd;
        int kv = s.kvHeads() * hd;
        boolean bias = s.attentionBias() && (s.arch() == Arch.LLAMA || s.arch() == Arch.QWEN3);
        boolean qkvBias = s.arch() == Arch.QWEN2 || bias;
        boolean qkNorm = s.arch() == Arch.QWEN3 || s.arch() == Arch.GEMMA3;
        w.put("model.embed_tokens.weight", normal(rnd, embeddingStd(s), s.vocabSize(), s.hidden()));
        for (int i = 0; i < s.layers(); i++) {
            String p = "model.layers." + i;
            w.put(p + ".input_layernorm.weight", norm(s, rnd, s.hidden()));
            linear(w, rnd, init, p + ".self_attn.q_proj", q, s.hidden(), qkvBias);
            linear(w, rnd, init, p + ".self_attn.k_proj", kv, s.hidden(), qkvBias);
            linear(w, rnd, init, p + ".self_attn.v_proj", kv, s.hidden(), qkvBias);
            linear(w, rnd, init, p + ".self_attn.o_proj", s.hidden(), q, bias);
            if (qkNorm) {
                w.put(p + ".self_attn.q_norm.weight", norm(s, rnd, hd));
                w.put(p + ".self_attn.k_norm.weight", norm(s, rnd, hd));
            }
            w.put(p + ".post_attention_layernorm.weight", norm(s, rnd, s.hidden()));
            if (s.gemma()) {
                w.put(p + ".pre_feedforward_layernorm.weight", norm(s, rnd, s.hidden()));
                w.put(p + ".post_feedforward_layernorm.weight", norm(s, rnd, s.hidden()));
            }
            linear(w, rnd, init, p + ".mlp.gate_proj", s.intermediate(), s.hidden(), false);
            linear(w, rnd, init, p + ".mlp.up_proj", s.intermediate(), s.hidden(), false);
            linear(w, rnd, init, p + ".mlp.down_proj", s.hidden(), s.intermediate(), false);
        }
        w.put("model.norm.weight", norm(s, rnd, s.hidden()));
        if (!s.tied()) w.put("lm_head.weight", normal(rnd, embeddingStd(s), s.vocabSize(), s.hidden()));
        return w;
    }

    /** GPT-2 stores Conv1D weights as (in, out). */
    private static Map<String, Tensor> gpt2(Spec s, SplittableRandom rnd, Init init) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        int d = s.hidden();
        w.put("transformer.wte.weight", normal(rnd, embeddingStd(s), s.vocabSize(), d));
        w.put("transformer.wpe.weight", normal(rnd, init == Init.SMALL ? 0.01 : embeddingStd(s), s.maxPositions(), d));
        for (int i = 0; i < s.layers(); i++) {
            String p = "transformer.h." + i;
            w.put(p + ".ln_1.weight", ones(rnd, d));
            w.put(p + ".ln_1.bias", normal(rnd, 0.02, d));
            w.put(p + ".attn.c_attn.weight", normal(rnd, init.std(d), d, 3 * d));
            w.put(p + ".attn.c_attn.bias", normal(rnd, 0.02, 3 * d));
            w.put(p + ".attn.c_proj.weight", normal(rnd, init.std(d), d, d));
            w.put(p + ".attn.c_proj.bias", normal(rnd, 0.02, d));
            w.put(p + ".ln_2.weight", ones(rnd, d));
            w.put(p + ".ln_2.bias", normal(rnd, 0.02, d));
            w.put(p + ".mlp.c_fc.weight", normal(rnd, init.std(d), d, s.intermediate()));
            w.put(p + ".mlp.c_fc.bias", normal(rnd, 0.02, s.intermediate()));
            w.put(p + ".mlp.c_proj.weight", normal(rnd, init.std(s.intermediate()), s.intermediate(), d));
            w.put(p + ".mlp.c_proj.bias", normal(rnd, 0.02, d));
        }
        w.put("transformer.ln_f.weight", ones(rnd, d));
        w.put("transformer.ln_f.bias", normal(rnd, 0.02, d));
        return w;
    }

    /**
     * 1/√hidden, so embedding rows have norm ≈ 1: logits of the untrained model are O(1), and a LoRA run, which
     * cannot change the (tied) embeddings, can still reach confident predictions. The usual 0.02 caps a tiny
     * model's logits near ±1 and its loss near ln(vocab).
     */
    private static double embeddingStd(Spec s) { return 1 / Math.sqrt(s.hidden()); }

    private static void linear(Map<String, Tensor> w, SplittableRandom rnd, Init init, String name, int out, int in,
                               boolean bias) {
        w.put(name + ".weight", normal(rnd, init.std(in), out, in));
        if (bias) w.put(name + ".bias", normal(rnd, 0.02, out));
    }

    /** Gemma norms multiply by (1 + w): their weights are drawn near 0, so the factor is near 1 as elsewhere. */
    private static Tensor norm(Spec s, SplittableRandom rnd, int n) {
        return s.gemma() ? normal(rnd, 0.1, n) : ones(rnd, n);
    }

    /** Norm weights near 1, perturbed so that a forward pass ignoring them is caught by the reference tests. */
    static Tensor ones(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (1 + 0.1 * rnd.nextGaussian());
        return Tensors.floats(v, n);
    }

    static Tensor normal(SplittableRandom rnd, double std, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (std * rnd.nextGaussian());
        return Tensors.floats(v, shape);
    }
}
