package dev.whetstone.engine.torch.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * One pre-norm transformer block: h + attn(norm1(h)), then + mlp(norm2(·)); with sandwich norms (Gemma 2/3) the
 * attention and MLP outputs are normed too before each residual add.
 */
final class DecoderLayer {
    private final Norm attentionNorm;
    private final Attention attention;
    private final Norm attentionOutNorm;
    private final Norm mlpNorm;
    private final Mlp mlp;
    private final Norm mlpOutNorm;

    DecoderLayer(Norm attentionNorm, Attention attention, Norm mlpNorm, Mlp mlp) {
        this(attentionNorm, attention, null, mlpNorm, mlp, null);
    }

    /** @param attentionOutNorm on the attention output (Gemma's post_attention_layernorm), or null; likewise mlpOutNorm */
    DecoderLayer(Norm attentionNorm, Attention attention, Norm attentionOutNorm, Norm mlpNorm, Mlp mlp,
                 Norm mlpOutNorm) {
        this.attentionNorm = attentionNorm;
        this.attention = attention;
        this.attentionOutNorm = attentionOutNorm;
        this.mlpNorm = mlpNorm;
        this.mlp = mlp;
        this.mlpOutNorm = mlpOutNorm;
    }

    Norm attentionNorm() { return attentionNorm; }

    Attention attention() { return attention; }

    Norm mlpNorm() { return mlpNorm; }

    Mlp mlp() { return mlp; }

    /** Whether the attention or MLP output is normed before its residual add (Gemma's sandwich norms). */
    boolean sandwiched() { return attentionOutNorm != null || mlpOutNorm != null; }

    List<Linear> linears() {
        List<Linear> out = new ArrayList<>(attention.linears());
        out.addAll(mlp.linears());
        return out;
    }

    /** Inference: stacked q/k/v and gate/up products (see FusedLinear). */
    List<Linear> decodeLinears() {
        List<Linear> out = new java.util.ArrayList<>(attention.decodeLinears());
        out.addAll(mlp.decodeLinears());
        return out;
    }

    void fuseProjections() {
        attention.fuseProjections();
        mlp.fuseProjections();
    }

    void releaseFused() {
        attention.releaseFused();
        mlp.releaseFused();
    }

    /**
     * h (B, T, D) → (B, T, D). Its own pointer scope frees this layer's temporary handles at return (autograd
     * still holds what backward needs), so host memory does not grow with depth in no-grad passes.
     */
    Tensor forward(Tensor h, ForwardContext ctx) {
        try (PointerScope scope = new PointerScope()) {
            return Tensors.promote(mlpBlock(h.add(outNormed(attentionOutNorm,
                    attention.forward(attentionNorm.forward(h), ctx)))));
        }
    }

    /** Like {@link #forward}, attending through the KV cache (inference). */
    Tensor forwardCached(Tensor h, CachedPass pass, int layer) {
        try (PointerScope scope = new PointerScope()) {
            return Tensors.promote(mlpBlock(h.add(outNormed(attentionOutNorm,
                    attention.forwardCached(attentionNorm.forward(h), pass, layer)))));
        }
    }

    private Tensor mlpBlock(Tensor a) {
        return a.add(outNormed(mlpOutNorm, mlp.forward(mlpNorm.forward(a))));
    }

    private static Tensor outNormed(Norm norm, Tensor x) { return norm == null ? x : norm.forward(x); }
}
