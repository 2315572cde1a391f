package dev.whetstone.engine.torch.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A plain-Java, double-precision forward pass of Llama/Mistral/Qwen2/Qwen3/Gemma 2/Gemma 3/GPT-2 written straight
 * from the Hugging Face modelling code's semantics (modeling_llama, modeling_mistral, modeling_qwen3,
 * modeling_gemma2, modeling_gemma3, modeling_gpt2), one sequence at a time, loop by loop. The oracle for the libtorch
 * model.
 */
final class ReferenceLm {
    private final JsonNode cfg;
    private final RawWeights w;
    private final boolean gpt2;
    private final String type;
    private final boolean gemma;
    private final int d;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int hd;
    private final int vocab;
    private final double eps;

    ReferenceLm(JsonNode cfg, RawWeights w) {
        this.cfg = cfg;
        this.w = w;
        this.type = cfg.get("model_type").asText();
        this.gpt2 = type.equals("gpt2");
        this.gemma = type.equals("gemma2") || type.equals("gemma3_text");
        this.d = gpt2 ? cfg.get("n_embd").asInt() : cfg.get("hidden_size").asInt();
        this.layers = gpt2 ? cfg.get("n_layer").asInt() : cfg.get("num_hidden_layers").asInt();
        this.heads = gpt2 ? cfg.get("n_head").asInt() : cfg.get("num_attention_heads").asInt();
        this.kvHeads = gpt2 ? heads : cfg.get("num_key_value_heads").asInt();
        this.hd = cfg.hasNonNull("head_dim") ? cfg.get("head_dim").asInt() : d / heads;
        this.vocab = cfg.get("vocab_size").asInt();
        this.eps = gpt2 ? cfg.get("layer_norm_epsilon").asDouble() : cfg.get("rms_norm_eps").asDouble();
    }

    /** Logits [T][V] for one sequence. */
    double[][] logits(int[] ids) {
        int t = ids.length;
        double[][] x = new double[t][];
        String emb = gpt2 ? "transformer.wte.weight" : "model.embed_tokens.weight";
        for (int i = 0; i < t; i++) {
            x[i] = row(w.get(emb), ids[i], d);
            if (gpt2) add(x[i], row(w.get("transformer.wpe.weight"), i, d));
            if (gemma) for (int c = 0; c < d; c++) x[i][c] *= Math.sqrt(d);
        }
        for (int l = 0; l < layers; l++) {
            x = gpt2 ? gpt2Block(x, "transformer.h." + l) : gemma ? gemmaBlock(x, l) : llamaBlock(x, l);
        }
        double[][] out = new double[t][];
        String headName = w.values.containsKey("lm_head.weight") ? "lm_head.weight" : emb;
        for (int i = 0; i < t; i++) {
            double[] n = gpt2 ? layerNorm(x[i], "transformer.ln_f") : rmsNorm(x[i], "model.norm.weight");
            out[i] = matVec(w.get(headName), n, vocab, d, null);
            if (cfg.hasNonNull("final_logit_softcapping")) {
                double cap = cfg.get("final_logit_softcapping").asDouble();
                for (int v = 0; v < vocab; v++) out[i][v] = cap * Math.tanh(out[i][v] / cap);
            }
        }
        return out;
    }

    /** Whether layer l attends through the sliding window, as each family's config decides it. */
    private boolean sliding(int l) {
        JsonNode types = cfg.path("layer_types");
        if (types.isArray()) return types.get(l).asText().equals("sliding_attention");
        return switch (type) {
            case "mistral" -> cfg.hasNonNull("sliding_window");
            case "gemma2" -> l % 2 == 0;
            case "gemma3_text" -> (l + 1) % cfg.path("sliding_window_pattern").asInt(6) != 0;
            default -> false;
        };
    }

    /** q, k, v of one layer with q/k norms (Qwen3, Gemma 3) and RoPE applied, each [T][heads·hd]. */
    private double[][][] qkv(double[][] x, String p, String inputNorm, int l) {
        int t = x.length;
        double[][] q = new double[t][], k = new double[t][], v = new double[t][];
        boolean qkNorm = type.equals("qwen3") || type.equals("gemma3_text");
        for (int i = 0; i < t; i++) {
            double[] n = rmsNorm(x[i], p + "." + inputNorm + ".weight");
            q[i] = linear(n, p + ".self_attn.q_proj", heads * hd);
            k[i] = linear(n, p + ".self_attn.k_proj", kvHeads * hd);
            v[i] = linear(n, p + ".self_attn.v_proj", kvHeads * hd);
            if (qkNorm) {
                perHeadNorm(q[i], heads, p + ".self_attn.q_norm.weight");
                perHeadNorm(k[i], kvHeads, p + ".self_attn.k_norm.weight");
            }
            boolean local = type.equals("gemma3_text") && sliding(l);
            // SmolLM3's NoPE layers: no_rope_layers[l] == 0 means no rotation
            if (type.equals("smollm3") && cfg.get("no_rope_layers").get(l).asInt() == 0) continue;
            rope(q[i], heads, i, local);
            rope(k[i], kvHeads, i, local);
        }
        return new double[][][] {q, k, v};
    }

    private void perHeadNorm(double[] x, int nHeads, String weight) {
        for (int h = 0; h < nHeads; h++) {
            double[] part = rmsNorm(java.util.Arrays.copyOfRange(x, h * hd, (h + 1) * hd), weight);
            System.arraycopy(part, 0, x, h * hd, hd);
        }
    }

    /** Gemma 2/3: x + post_attn_norm(attn(input_norm(x))), then + post_ff_norm(mlp(pre_ff_norm(·))). */
    private double[][] gemmaBlock(double[][] x, int l) {
        String p = "model.layers." + l;
        double[][][] qkv = qkv(x, p, "input_layernorm", l);
        double[][] attn = attention(qkv[0], qkv[1], qkv[2], sliding(l));
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double[] h = x[i].clone();
            add(h, rmsNorm(linear(attn[i], p + ".self_attn.o_proj", d), p + ".post_attention_layernorm.weight"));
            double[] m = mlp(rmsNorm(h, p + ".pre_feedforward_layernorm.weight"), p);
            add(h, rmsNorm(m, p + ".post_feedforward_layernorm.weight"));
            out[i] = h;
        }
        return out;
    }

    /** Gated MLP: SiLU, or GELU with the tanh approximation for Gemma. */
    private double[] mlp(double[] n, String p) {
        int ff = cfg.get("intermediate_size").asInt();
        double[] gate = linear(n, p + ".mlp.gate_proj", ff);
        double[] up = linear(n, p + ".mlp.up_proj", ff);
        for (int j = 0; j < ff; j++) {
            double z = gate[j];
            double act = gemma ? 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)))
                    : z / (1 + Math.exp(-z));
            gate[j] = act * up[j];
        }
        return linear(gate, p + ".mlp.down_proj", d);
    }

    private double[][] llamaBlock(double[][] x, int l) {
        String p = "model.layers." + l;
        int t = x.length;
        double[][][] qkv = qkv(x, p, "input_layernorm", l);
        double[][] attn = attention(qkv[0], qkv[1], qkv[2], sliding(l));
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] h = x[i].clone();
            add(h, linear(attn[i], p + ".self_attn.o_proj", d));
            add(h, mlp(rmsNorm(h, p + ".post_attention_layernorm.weight"), p));
            out[i] = h;
        }
        return out;
    }

    private double[][] gpt2Block(double[][] x, String p) {
        int t = x.length;
        double[][] q = new double[t][], k = new double[t][], v = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] qkv = conv1d(layerNorm(x[i], p + ".ln_1"), p + ".attn.c_attn");
            q[i] = java.util.Arrays.copyOfRange(qkv, 0, d);
            k[i] = java.util.Arrays.copyOfRange(qkv, d, 2 * d);
            v[i] = java.util.Arrays.copyOfRange(qkv, 2 * d, 3 * d);
        }
        double[][] attn = attention(q, k, v, false);
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] h = x[i].clone();
            add(h, conv1d(attn[i], p + ".attn.c_proj"));
            double[] f = conv1d(layerNorm(h, p + ".ln_2"), p + ".mlp.c_fc");
            for (int j = 0; j < f.length; j++) {
                double z = f[j];
                f[j] = 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
            }
            add(h, conv1d(f, p + ".mlp.c_proj"));
            out[i] = h;
        }
        return out;
    }

    /**
     * Causal softmax attention; query head h reads key/value head h / (heads / kvHeads). Scaled by
     * query_pre_attn_scalar^−½ (Gemma) or head_dim^−½, soft-capped where attn_logit_softcapping is set; a sliding
     * layer's query i sees keys j with i − window < j ≤ i.
     */
    private double[][] attention(double[][] q, double[][] k, double[][] v, boolean sliding) {
        int t = q.length;
        int group = heads / kvHeads;
        double scale = gemma ? 1 / Math.sqrt(cfg.get("query_pre_attn_scalar").asDouble()) : 1 / Math.sqrt(hd);
        double cap = cfg.path("attn_logit_softcapping").asDouble(0);
        double[][] out = new double[t][heads * hd];
        for (int h = 0; h < heads; h++) {
            int kvh = h / group;
            for (int i = 0; i < t; i++) {
                int first = sliding ? Math.max(0, i - cfg.get("sliding_window").asInt() + 1) : 0;
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = first; j <= i; j++) {
                    double dot = 0;
                    for (int c = 0; c < hd; c++) dot += q[i][h * hd + c] * k[j][kvh * hd + c];
                    s[j] = dot * scale;
                    if (cap > 0) s[j] = cap * Math.tanh(s[j] / cap);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = first; j <= i; j++) sum += s[j] = Math.exp(s[j] - max);
                for (int j = first; j <= i; j++) {
                    for (int c = 0; c < hd; c++) out[i][h * hd + c] += s[j] / sum * v[j][kvh * hd + c];
                }
            }
        }
        return out;
    }

    /**
     * Rotate-half RoPE at position pos, with linear or Llama-3 frequency scaling when configured; Gemma 3's local
     * layers use rope_local_base_freq, unscaled.
     */
    private void rope(double[] x, int nHeads, int pos, boolean local) {
        double theta = local ? cfg.get("rope_local_base_freq").asDouble() : cfg.path("rope_theta").asDouble(10000);
        int half = hd / 2;
        for (int h = 0; h < nHeads; h++) {
            for (int i = 0; i < half; i++) {
                double f = Math.pow(theta, -2.0 * i / hd);
                double ang = pos * (local ? f : invFreq(f));
                double a = x[h * hd + i], b = x[h * hd + i + half];
                x[h * hd + i] = a * Math.cos(ang) - b * Math.sin(ang);
                x[h * hd + i + half] = b * Math.cos(ang) + a * Math.sin(ang);
            }
        }
    }

    private double invFreq(double f) {
        JsonNode rs = cfg.path("rope_scaling");
        if (rs.isMissingNode() || rs.isNull()) return f;
        double factor = rs.get("factor").asDouble();
        if (rs.path("rope_type").asText().equals("linear")) return f / factor;
        double lo = rs.get("low_freq_factor").asDouble(), hi = rs.get("high_freq_factor").asDouble();
        double old = rs.get("original_max_position_embeddings").asDouble();
        double wavelen = 2 * Math.PI / f;
        if (wavelen < old / hi) return f;
        if (wavelen > old / lo) return f / factor;
        double smooth = (old / wavelen - lo) / (hi - lo);
        return (1 - smooth) * f / factor + smooth * f;
    }

    private double[] rmsNorm(double[] x, String weight) {
        double ms = 0;
        for (double a : x) ms += a * a;
        double r = 1 / Math.sqrt(ms / x.length + eps);
        double[] g = w.get(weight), out = new double[x.length];
        // Gemma's RMSNorm scales by (1 + weight)
        for (int i = 0; i < x.length; i++) out[i] = x[i] * r * (gemma ? 1 + g[i] : g[i]);
        return out;
    }

    private double[] layerNorm(double[] x, String p) {
        double mean = 0, var = 0;
        for (double a : x) mean += a / x.length;
        for (double a : x) var += (a - mean) * (a - mean) / x.length;
        double[] g = w.get(p + ".weight"), b = w.get(p + ".bias"), out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (x[i] - mean) / Math.sqrt(var + eps) * g[i] + b[i];
        return out;
    }

    /** nn.Linear: weight (out, in). */
    private double[] linear(double[] x, String p, int out) {
        return matVec(w.get(p + ".weight"), x, out, x.length, w.values.get(p + ".bias"));
    }

    /** GPT-2 Conv1D: weight (in, out), y = x W + b. */
    private double[] conv1d(double[] x, String p) {
        double[] wt = w.get(p + ".weight"), b = w.get(p + ".bias");
        int out = b.length;
        double[] y = b.clone();
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) y[o] += x[i] * wt[i * out + o];
        }
        return y;
    }

    private static double[] matVec(double[] m, double[] x, int rows, int cols, double[] bias) {
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = bias == null ? 0 : bias[r];
            for (int c = 0; c < cols; c++) s += m[r * cols + c] * x[c];
            y[r] = s;
        }
        return y;
    }

    private static double[] row(double[] m, int r, int cols) {
        return java.util.Arrays.copyOfRange(m, r * cols, (r + 1) * cols);
    }

    private static void add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) a[i] += b[i];
    }
}
