package dev.whetstone.engine.torch.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A plain-Java, double-precision forward pass of Llama/Qwen2/GPT-2 written straight from the Hugging Face
 * modelling code's semantics, one sequence at a time, loop by loop. The oracle for the libtorch model.
 */
final class ReferenceLm {
    private final JsonNode cfg;
    private final RawWeights w;
    private final boolean gpt2;
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
        this.gpt2 = cfg.get("model_type").asText().equals("gpt2");
        this.d = gpt2 ? cfg.get("n_embd").asInt() : cfg.get("hidden_size").asInt();
        this.layers = gpt2 ? cfg.get("n_layer").asInt() : cfg.get("num_hidden_layers").asInt();
        this.heads = gpt2 ? cfg.get("n_head").asInt() : cfg.get("num_attention_heads").asInt();
        this.kvHeads = gpt2 ? heads : cfg.get("num_key_value_heads").asInt();
        this.hd = d / heads;
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
        }
        for (int l = 0; l < layers; l++) x = gpt2 ? gpt2Block(x, "transformer.h." + l) : llamaBlock(x, "model.layers." + l);
        double[][] out = new double[t][];
        String headName = w.values.containsKey("lm_head.weight") ? "lm_head.weight" : emb;
        for (int i = 0; i < t; i++) {
            double[] n = gpt2 ? layerNorm(x[i], "transformer.ln_f") : rmsNorm(x[i], "model.norm.weight");
            out[i] = matVec(w.get(headName), n, vocab, d, null);
        }
        return out;
    }

    private double[][] llamaBlock(double[][] x, String p) {
        int t = x.length;
        double[][] q = new double[t][], k = new double[t][], v = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] n = rmsNorm(x[i], p + ".input_layernorm.weight");
            q[i] = linear(n, p + ".self_attn.q_proj", heads * hd);
            k[i] = linear(n, p + ".self_attn.k_proj", kvHeads * hd);
            v[i] = linear(n, p + ".self_attn.v_proj", kvHeads * hd);
            rope(q[i], heads, i);
            rope(k[i], kvHeads, i);
        }
        double[][] attn = attention(q, k, v);
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] h = x[i].clone();
            add(h, linear(attn[i], p + ".self_attn.o_proj", d));
            double[] n = rmsNorm(h, p + ".post_attention_layernorm.weight");
            int ff = cfg.get("intermediate_size").asInt();
            double[] gate = linear(n, p + ".mlp.gate_proj", ff);
            double[] up = linear(n, p + ".mlp.up_proj", ff);
            for (int j = 0; j < ff; j++) gate[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
            add(h, linear(gate, p + ".mlp.down_proj", d));
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
        double[][] attn = attention(q, k, v);
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

    /** Causal softmax attention; query head h reads key/value head h / (heads / kvHeads). */
    private double[][] attention(double[][] q, double[][] k, double[][] v) {
        int t = q.length;
        int group = heads / kvHeads;
        double[][] out = new double[t][heads * hd];
        for (int h = 0; h < heads; h++) {
            int kvh = h / group;
            for (int i = 0; i < t; i++) {
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int c = 0; c < hd; c++) dot += q[i][h * hd + c] * k[j][kvh * hd + c];
                    s[j] = dot / Math.sqrt(hd);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) sum += s[j] = Math.exp(s[j] - max);
                for (int j = 0; j <= i; j++) {
                    for (int c = 0; c < hd; c++) out[i][h * hd + c] += s[j] / sum * v[j][kvh * hd + c];
                }
            }
        }
        return out;
    }

    /** Rotate-half RoPE at position pos, with Llama-3 frequency scaling when configured. */
    private void rope(double[] x, int nHeads, int pos) {
        double theta = cfg.path("rope_theta").asDouble(10000);
        int half = hd / 2;
        for (int h = 0; h < nHeads; h++) {
            for (int i = 0; i < half; i++) {
                double ang = pos * invFreq(Math.pow(theta, -2.0 * i / hd));
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
        for (int i = 0; i < x.length; i++) out[i] = x[i] * r * g[i];
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
