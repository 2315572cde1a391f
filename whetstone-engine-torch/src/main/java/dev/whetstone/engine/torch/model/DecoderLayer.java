package dev.whetstone.engine.torch.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/** One pre-norm transformer block: h + attn(norm1(h)), then + mlp(norm2(·)). */
final class DecoderLayer {
    private final Norm attentionNorm;
    private final Attention attention;
    private final Norm mlpNorm;
    private final Mlp mlp;

    DecoderLayer(Norm attentionNorm, Attention attention, Norm mlpNorm, Mlp mlp) {
        this.attentionNorm = attentionNorm;
        this.attention = attention;
        this.mlpNorm = mlpNorm;
        this.mlp = mlp;
    }

    List<Linear> linears() {
        List<Linear> out = new ArrayList<>(attention.linears());
        out.addAll(mlp.linears());
        return out;
    }

    /** Inference: stacked q/k/v and gate/up products (see FusedLinear). */
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
            Tensor a = h.add(attention.forward(attentionNorm.forward(h), ctx));
            Tensor out = a.add(mlp.forward(mlpNorm.forward(a)));
            return Tensors.promote(out);
        }
    }

    /** Like {@link #forward}, attending through the KV cache (inference). */
    Tensor forwardCached(Tensor h, CachedPass pass, int layer) {
        try (PointerScope scope = new PointerScope()) {
            Tensor a = h.add(attention.forwardCached(attentionNorm.forward(h), pass, layer));
            Tensor out = a.add(mlp.forward(mlpNorm.forward(a)));
            return Tensors.promote(out);
        }
    }
}
