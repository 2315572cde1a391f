package dev.whetstone.engine.torch.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A plain-Java, double-precision Phi-3 forward pass, written from transformers' modeling_phi3 and
 * modeling_rope_utils (_compute_default_rope_parameters, _compute_longrope_parameters, longrope_frequency_update)
 * apart from the engine and from {@link ReferenceLm}: one sequence, loop by loop. Per layer:
 * h += o_proj(attn(split(qkv_proj(rms(h))))), then h += down_proj(silu(gate) · up) with [gate | up] =
 * gate_up_proj(rms(h)); RoPE on the first int(head_dim · partial_rotary_factor) dims of q and k, longrope choosing
 * short or long factors by max(position) + 1 vs original_max_position_embeddings and scaling cos/sin by the
 * attention factor; every layer sliding when sliding_window is set.
 */
final class Phi3Reference {
    private final JsonNode cfg;
    private final RawWeights w;
    private final int d;
    private final int heads;
    private final int kvHeads;
    private final int hd;
    private final int ff;
    private final int vocab;
    private final int rotary;
    private final double eps;

    Phi3Reference(JsonNode cfg, RawWeights w) {
        this.cfg = cfg;
        this.w = w;
        d = cfg.get("hidden_size").asInt();
        heads = cfg.get("num_attention_heads").asInt();
        kvHeads = cfg.get("num_key_value_heads").asInt();
        hd = d / heads;
        ff = cfg.get("intermediate_size").asInt();
        vocab = cfg.get("vocab_size").asInt();
        rotary = (int) (hd * cfg.path("partial_rotary_factor").asDouble(1.0));
        eps = cfg.get("rms_norm_eps").asDouble();
    }

    double[][] logits(int[] ids) {
        int t = ids.length;
        double[][] x = new double[t][];
        for (int i = 0; i < t; i++) x[i] = slice(w.get("model.embed_tokens.weight"), ids[i] * d, d);
        double[][] cos = new double[t][rotary / 2];
        double[][] sin = new double[t][rotary / 2];
        ropeTables(t, cos, sin);
        for (int l = 0; l < cfg.get("num_hidden_layers").asInt(); l++) x = layer(x, "model.layers." + l, cos, sin);
        String head = w.values.containsKey("lm_head.weight") ? "lm_head.weight" : "model.embed_tokens.weight";
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) out[i] = project(rms(x[i], "model.norm.weight"), head, vocab);
        return out;
    }

    /** cos/sin(pos · inv_freq[i]) · attention factor, for the pairs (i, i + rotary/2). */
    private void ropeTables(int t, double[][] cos, double[][] sin) {
        double base = cfg.get("rope_theta").asDouble();
        JsonNode rs = cfg.path("rope_scaling");
        boolean longrope = rs.isObject();
        double attention = 1;
        double[] ext = null;
        if (longrope) {
            int original = cfg.get("original_max_position_embeddings").asInt();
            double factor = cfg.get("max_position_embeddings").asDouble() / original;
            attention = rs.hasNonNull("attention_factor") ? rs.get("attention_factor").asDouble()
                    : factor <= 1 ? 1 : Math.sqrt(1 + Math.log(factor) / Math.log(original));
            // seq_len = max(position_ids) + 1 = t for one sequence from position 0
            JsonNode f = rs.get(t > original ? "long_factor" : "short_factor");
            ext = new double[rotary / 2];
            for (int i = 0; i < ext.length; i++) ext[i] = f.get(i).asDouble();
        }
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < rotary / 2; i++) {
                double inv = 1 / ((longrope ? ext[i] : 1) * Math.pow(base, (double) (2 * i) / rotary));
                cos[p][i] = Math.cos(p * inv) * attention;
                sin[p][i] = Math.sin(p * inv) * attention;
            }
        }
    }

    private double[][] layer(double[][] x, String p, double[][] cos, double[][] sin) {
        int t = x.length;
        int qd = heads * hd;
        int kvd = kvHeads * hd;
        double[][] q = new double[t][], k = new double[t][], v = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] qkv = project(rms(x[i], p + ".input_layernorm.weight"), p + ".self_attn.qkv_proj",
                    qd + 2 * kvd);
            q[i] = slice(qkv, 0, qd);
            k[i] = slice(qkv, qd, kvd);
            v[i] = slice(qkv, qd + kvd, kvd);
            rotate(q[i], heads, cos[i], sin[i]);
            rotate(k[i], kvHeads, cos[i], sin[i]);
        }
        JsonNode window = cfg.path("sliding_window");
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] attn = new double[qd];
            for (int h = 0; h < heads; h++) {
                int g = h / (heads / kvHeads);
                int first = window.isNumber() ? Math.max(0, i - window.asInt() + 1) : 0;
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = first; j <= i; j++) {
                    double dot = 0;
                    for (int c = 0; c < hd; c++) dot += q[i][h * hd + c] * k[j][g * hd + c];
                    s[j] = dot / Math.sqrt(hd);
                    max = Math.max(max, s[j]);
                }
                double z = 0;
                for (int j = first; j <= i; j++) z += s[j] = Math.exp(s[j] - max);
                for (int j = first; j <= i; j++) {
                    for (int c = 0; c < hd; c++) attn[h * hd + c] += s[j] / z * v[j][g * hd + c];
                }
            }
            double[] h = x[i].clone();
            add(h, project(attn, p + ".self_attn.o_proj", d));
            double[] gu = project(rms(h, p + ".post_attention_layernorm.weight"), p + ".mlp.gate_up_proj", 2 * ff);
            double[] act = new double[ff];
            for (int j = 0; j < ff; j++) act[j] = gu[j] / (1 + Math.exp(-gu[j])) * gu[ff + j];
            add(h, project(act, p + ".mlp.down_proj", d));
            out[i] = h;
        }
        return out;
    }

    /** rotate_half on each head's first `rotary` dims; the rest pass unchanged. */
    private void rotate(double[] x, int n, double[] cos, double[] sin) {
        int half = rotary / 2;
        for (int h = 0; h < n; h++) {
            for (int i = 0; i < half; i++) {
                double a = x[h * hd + i];
                double b = x[h * hd + i + half];
                x[h * hd + i] = a * cos[i] - b * sin[i];
                x[h * hd + i + half] = b * cos[i] + a * sin[i];
            }
        }
    }

    private double[] rms(double[] x, String weight) {
        double ms = 0;
        for (double a : x) ms += a * a / x.length;
        double r = 1 / Math.sqrt(ms + eps);
        double[] g = w.get(weight);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = g[i] * (x[i] * r);
        return out;
    }

    /** nn.Linear without bias, weight (out, in). */
    private double[] project(double[] x, String module, int out) {
        String name = module.endsWith(".weight") ? module : module + ".weight";
        double[] m = w.get(name);
        double[] y = new double[out];
        for (int r = 0; r < out; r++) {
            double s = 0;
            for (int c = 0; c < x.length; c++) s += m[r * x.length + c] * x[c];
            y[r] = s;
        }
        return y;
    }

    private static double[] slice(double[] a, int from, int n) { return java.util.Arrays.copyOfRange(a, from, from + n); }

    private static void add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) a[i] += b[i];
    }
}
