package dev.whetstone.engine.torch.vision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.torch.model.RawWeights;

/**
 * A plain-Java, double-precision Idefics3ForConditionalGeneration written from the semantics of Hugging Face's
 * modeling_idefics3 / modeling_siglip / modeling_llama, one image and one sequence at a time, loop by loop: the
 * oracle for {@link VisionLm}. Shares no code with the engine.
 */
final class ReferenceVlm {
    private final RawWeights w;
    private final int vd;
    private final int vLayers;
    private final int vHeads;
    private final int vFf;
    private final int imageSize;
    private final int patch;
    private final double vEps;
    private final int scale;
    private final int imageToken;
    private final int d;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int ff;
    private final int vocab;
    private final double eps;
    private final double theta;
    private final boolean tied;

    ReferenceVlm(JsonNode cfg, RawWeights w) {
        this.w = w;
        JsonNode v = cfg.get("vision_config");
        JsonNode t = cfg.get("text_config");
        vd = v.get("hidden_size").asInt();
        vLayers = v.get("num_hidden_layers").asInt();
        vHeads = v.get("num_attention_heads").asInt();
        vFf = v.get("intermediate_size").asInt();
        imageSize = v.get("image_size").asInt();
        patch = v.get("patch_size").asInt();
        vEps = v.get("layer_norm_eps").asDouble();
        scale = cfg.get("scale_factor").asInt();
        imageToken = cfg.get("image_token_id").asInt();
        tied = cfg.get("tie_word_embeddings").asBoolean();
        d = t.get("hidden_size").asInt();
        layers = t.get("num_hidden_layers").asInt();
        heads = t.get("num_attention_heads").asInt();
        kvHeads = t.get("num_key_value_heads").asInt();
        ff = t.get("intermediate_size").asInt();
        vocab = t.get("vocab_size").asInt();
        eps = t.get("rms_norm_eps").asDouble();
        theta = t.get("rope_theta").asDouble();
    }

    /**
     * Logits [T][V] for one sequence whose image tokens take, in order, the features of {@code images}
     * ([frame][channel][y][x] normalised pixels).
     */
    double[][] logits(int[] ids, double[][][][] images) {
        java.util.List<double[]> features = new java.util.ArrayList<>();
        for (double[][][] img : images) features.addAll(java.util.Arrays.asList(connector(encoder(img))));
        double[][] x = new double[ids.length][];
        int next = 0;
        for (int i = 0; i < ids.length; i++) {
            x[i] = ids[i] == imageToken ? features.get(next++).clone()
                    : row(w.get("model.text_model.embed_tokens.weight"), ids[i], d);
        }
        if (next != features.size()) throw new IllegalArgumentException("image tokens != feature rows");
        for (int l = 0; l < layers; l++) x = llamaLayer(x, "model.text_model.layers." + l);
        String head = tied ? "model.text_model.embed_tokens.weight" : "lm_head.weight";
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = matVec(w.get(head), rms(x[i], "model.text_model.norm.weight"), vocab, d, null);
        }
        return out;
    }

    /** SigLIP: conv patches + positions, pre-LN layers, post layernorm → [patches][vd]. */
    double[][] encoder(double[][][] img) {
        String v = "model.vision_model.";
        int side = imageSize / patch;
        double[] cw = w.get(v + "embeddings.patch_embedding.weight");
        double[] cb = w.get(v + "embeddings.patch_embedding.bias");
        double[] pos = w.get(v + "embeddings.position_embedding.weight");
        double[][] h = new double[side * side][vd];
        for (int py = 0; py < side; py++) {
            for (int px = 0; px < side; px++) {
                int n = py * side + px;
                for (int o = 0; o < vd; o++) {
                    double s = cb[o];
                    for (int c = 0; c < 3; c++) {
                        for (int ky = 0; ky < patch; ky++) {
                            for (int kx = 0; kx < patch; kx++) {
                                s += cw[((o * 3 + c) * patch + ky) * patch + kx]
                                        * img[c][py * patch + ky][px * patch + kx];
                            }
                        }
                    }
                    h[n][o] = s + pos[n * vd + o];
                }
            }
        }
        for (int l = 0; l < vLayers; l++) {
            String p = v + "encoder.layers." + l;
            double[][] a = selfAttention(h, p);
            for (int n = 0; n < h.length; n++) {
                for (int c = 0; c < vd; c++) h[n][c] += a[n][c];
            }
            for (int n = 0; n < h.length; n++) {
                double[] f = linear(layerNorm(h[n], p + ".layer_norm2"), p + ".mlp.fc1", vFf);
                for (int j = 0; j < vFf; j++) f[j] = geluTanh(f[j]);
                double[] g = linear(f, p + ".mlp.fc2", vd);
                for (int c = 0; c < vd; c++) h[n][c] += g[c];
            }
        }
        for (int n = 0; n < h.length; n++) h[n] = layerNorm(h[n], v + "post_layernorm");
        return h;
    }

    /** Bidirectional multi-head attention of layer_norm1(h). */
    private double[][] selfAttention(double[][] h, String p) {
        int n = h.length;
        int hd = vd / vHeads;
        double[][] q = new double[n][], k = new double[n][], vv = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] x = layerNorm(h[i], p + ".layer_norm1");
            q[i] = linear(x, p + ".self_attn.q_proj", vd);
            k[i] = linear(x, p + ".self_attn.k_proj", vd);
            vv[i] = linear(x, p + ".self_attn.v_proj", vd);
        }
        double[][] mixed = new double[n][vd];
        for (int head = 0; head < vHeads; head++) {
            for (int i = 0; i < n; i++) {
                double[] s = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int c = 0; c < hd; c++) dot += q[i][head * hd + c] * k[j][head * hd + c];
                    s[j] = dot / Math.sqrt(hd);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) sum += s[j] = Math.exp(s[j] - max);
                for (int j = 0; j < n; j++) {
                    for (int c = 0; c < hd; c++) mixed[i][head * hd + c] += s[j] / sum * vv[j][head * hd + c];
                }
            }
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) out[i] = linear(mixed[i], p + ".self_attn.out_proj", vd);
        return out;
    }

    /**
     * Pixel shuffle by its index map — output token (i', j') of the (side/s)² grid, feature a·(E·s) + b·E + e, is
     * patch (i'·s + a, j'·s + b)'s feature e — then the projection to the text width.
     */
    double[][] connector(double[][] patches) {
        int side = imageSize / patch;
        int small = side / scale;
        double[][] out = new double[small * small][];
        for (int i2 = 0; i2 < small; i2++) {
            for (int j2 = 0; j2 < small; j2++) {
                double[] wide = new double[vd * scale * scale];
                for (int a = 0; a < scale; a++) {
                    for (int b = 0; b < scale; b++) {
                        double[] src = patches[(i2 * scale + a) * side + (j2 * scale + b)];
                        System.arraycopy(src, 0, wide, a * vd * scale + b * vd, vd);
                    }
                }
                out[i2 * small + j2] = matVec(w.get("model.connector.modality_projection.proj.weight"), wide, d,
                        wide.length, null);
            }
        }
        return out;
    }

    /** LlamaDecoderLayer: causal GQA attention with rotate-half RoPE, SiLU-gated MLP, RMSNorms. */
    private double[][] llamaLayer(double[][] x, String p) {
        int t = x.length;
        int hd = d / heads;
        double[][] q = new double[t][], k = new double[t][], v = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] n = rms(x[i], p + ".input_layernorm.weight");
            q[i] = rope(linear(n, p + ".self_attn.q_proj", heads * hd), heads, hd, i);
            k[i] = rope(linear(n, p + ".self_attn.k_proj", kvHeads * hd), kvHeads, hd, i);
            v[i] = linear(n, p + ".self_attn.v_proj", kvHeads * hd);
        }
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] att = new double[heads * hd];
            for (int h = 0; h < heads; h++) {
                int g = h / (heads / kvHeads);
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int c = 0; c < hd; c++) dot += q[i][h * hd + c] * k[j][g * hd + c];
                    s[j] = dot / Math.sqrt(hd);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) sum += s[j] = Math.exp(s[j] - max);
                for (int j = 0; j <= i; j++) {
                    for (int c = 0; c < hd; c++) att[h * hd + c] += s[j] / sum * v[j][g * hd + c];
                }
            }
            double[] h1 = x[i].clone();
            double[] o = linear(att, p + ".self_attn.o_proj", d);
            for (int c = 0; c < d; c++) h1[c] += o[c];
            double[] n2 = rms(h1, p + ".post_attention_layernorm.weight");
            double[] gate = linear(n2, p + ".mlp.gate_proj", ff);
            double[] up = linear(n2, p + ".mlp.up_proj", ff);
            for (int j = 0; j < ff; j++) gate[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
            double[] m = linear(gate, p + ".mlp.down_proj", d);
            for (int c = 0; c < d; c++) h1[c] += m[c];
            out[i] = h1;
        }
        return out;
    }

    private double[] rope(double[] x, int n, int hd, int pos) {
        int half = hd / 2;
        for (int h = 0; h < n; h++) {
            for (int i = 0; i < half; i++) {
                double ang = pos * Math.pow(theta, -2.0 * i / hd);
                double a = x[h * hd + i], b = x[h * hd + i + half];
                x[h * hd + i] = a * Math.cos(ang) - b * Math.sin(ang);
                x[h * hd + i + half] = b * Math.cos(ang) + a * Math.sin(ang);
            }
        }
        return x;
    }

    private static double geluTanh(double z) {
        return 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
    }

    private double[] rms(double[] x, String weight) {
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
        for (int i = 0; i < x.length; i++) out[i] = (x[i] - mean) / Math.sqrt(var + vEps) * g[i] + b[i];
        return out;
    }

    private double[] linear(double[] x, String p, int out) {
        return matVec(w.get(p + ".weight"), x, out, x.length, w.has(p + ".bias") ? w.get(p + ".bias") : null);
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
}
