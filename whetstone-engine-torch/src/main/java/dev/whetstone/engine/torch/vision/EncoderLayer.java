package dev.whetstone.engine.torch.vision;

import dev.whetstone.engine.torch.model.Linear;
import dev.whetstone.engine.torch.model.Tensors;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One SigLIP encoder layer (Idefics3EncoderLayer): h + attn(layer_norm1(h)), then + mlp(layer_norm2(·)).
 * Attention is bidirectional multi-head attention with biased q/k/v/out projections and no mask: every patch of
 * a frame is real (the processor always produces full image_size × image_size frames).
 */
final class EncoderLayer {
    private final LayerNorm norm1;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;
    private final LayerNorm norm2;
    private final Linear fc1;
    private final Linear fc2;
    private final int heads;
    private final int headDim;
    private final boolean geluTanh;

    EncoderLayer(VisionWeights w, String p, VisionEncoderConfig c) throws java.io.IOException {
        long d = c.hiddenSize();
        this.norm1 = w.layerNorm(p + ".layer_norm1", d, c.layerNormEps());
        this.k = w.linear(p + ".self_attn.k_proj", d, d, true);
        this.v = w.linear(p + ".self_attn.v_proj", d, d, true);
        this.q = w.linear(p + ".self_attn.q_proj", d, d, true);
        this.out = w.linear(p + ".self_attn.out_proj", d, d, true);
        this.norm2 = w.layerNorm(p + ".layer_norm2", d, c.layerNormEps());
        this.fc1 = w.linear(p + ".mlp.fc1", d, c.intermediateSize(), true);
        this.fc2 = w.linear(p + ".mlp.fc2", c.intermediateSize(), d, true);
        this.heads = c.numHeads();
        this.headDim = c.headDim();
        this.geluTanh = c.geluTanh();
    }

    List<Linear> linears() { return List.of(q, k, v, out, fc1, fc2); }

    /** h (N, P, D) → (N, P, D); its own scope frees the layer's temporaries (autograd keeps what it needs). */
    Tensor forward(Tensor h) {
        try (PointerScope scope = new PointerScope()) {
            Tensor a = h.add(attention(norm1.forward(h)));
            Tensor f = fc1.forward(norm2.forward(a));
            f = geluTanh ? torch.gelu(f, "tanh") : torch.gelu(f);
            return Tensors.promote(a.add(fc2.forward(f)));
        }
    }

    /**
     * x (N, P, D): heads (N, H, P, hd); scores q·kᵀ · hd^−½ (N, H, P, P), softmax over keys (fp32 inside the
     * kernel, as Hugging Face's softmax(dtype=float32)), weighted values back to (N, P, D), out_proj.
     */
    private Tensor attention(Tensor x) {
        long n = x.size(0);
        long p = x.size(1);
        Tensor qh = q.forward(x).view(n, p, heads, headDim).transpose(1, 2);
        Tensor kh = k.forward(x).view(n, p, heads, headDim).transpose(1, 2);
        Tensor vh = v.forward(x).view(n, p, heads, headDim).transpose(1, 2);
        Tensor scores = qh.matmul(kh.transpose(2, 3)).mul(Tensors.scalar(1 / Math.sqrt(headDim)));
        Tensor mixed = scores.softmax(-1).matmul(vh).transpose(1, 2).reshape(n, p, (long) heads * headDim);
        return out.forward(mixed);
    }
}
