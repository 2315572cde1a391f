package dev.whetstone.engine.torch.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * Grouped-query causal self-attention.
 *
 * <p>Composed rather than {@code scaled_dot_product_attention}: q is reshaped to (B, KV, G·T, hd) so the G query
 * heads sharing a key/value head multiply the same K and V without repeating them; on these CPUs this was faster
 * than SDPA for bf16 training (DESIGN §4b), and than SDPA with is_causal (38–55 ms vs 11–13 ms per layer, forward
 * and backward, SmolLM2-135M shape, batch 4 × 256, measured here).
 */
final class Attention {
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear qkv;
    private final Linear o;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final ModelConfig.LayerKind kind;
    private final Norm qNorm;
    private final Norm kNorm;
    private final double scale;
    private final Double softcap;
    private FusedLinear fusedQkv;

    /**
     * Separate q/k/v projections (Llama, Mistral, Qwen, Gemma).
     *
     * @param qNorm per-head norm of q and k before RoPE (Qwen3, Gemma 3), or null
     */
    Attention(Linear q, Linear k, Linear v, Linear o, ModelConfig c, ModelConfig.LayerKind kind, Norm qNorm,
              Norm kNorm) {
        this(q, k, v, null, o, c, kind, qNorm, kNorm);
    }

    /** One fused qkv projection (GPT-2's c_attn, Phi-3's qkv_proj): rows q, then k, then v. */
    Attention(Linear qkv, Linear o, ModelConfig c, ModelConfig.LayerKind kind) {
        this(null, null, null, qkv, o, c, kind, null, null);
    }

    private Attention(Linear q, Linear k, Linear v, Linear qkv, Linear o, ModelConfig c, ModelConfig.LayerKind kind,
                      Norm qNorm, Norm kNorm) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.qkv = qkv;
        this.o = o;
        this.heads = c.numHeads();
        this.kvHeads = c.numKvHeads();
        this.headDim = c.headDim();
        this.kind = kind;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.scale = c.attentionScale();
        this.softcap = c.attentionSoftcap();
    }

    /** The separate q, k, v projections, or null when one fused qkv projection holds them (GPT-2, Phi-3). */
    List<Linear> separateQkv() { return qkv != null ? null : List.of(q, k, v); }

    Linear output() { return o; }

    ModelConfig.LayerKind kind() { return kind; }

    /** The per-head norms of q and k before RoPE (Qwen3, Gemma 3), or null. */
    Norm qNorm() { return qNorm; }

    Norm kNorm() { return kNorm; }

    List<Linear> linears() {
        List<Linear> out = new ArrayList<>();
        if (qkv != null) out.add(qkv); else out.addAll(List.of(q, k, v));
        out.add(o);
        return out;
    }

    /** The projections a decode step runs: the stacked q/k/v (or the separate ones), then o. */
    List<Linear> decodeLinears() {
        List<Linear> out = new ArrayList<>();
        if (fusedQkv != null) out.add(fusedQkv.stacked());
        else if (qkv != null) out.add(qkv);
        else out.addAll(List.of(q, k, v));
        out.add(o);
        return out;
    }

    /** Stacks separate q/k/v weights into one product for inference passes without adapters (idempotent). */
    void fuseProjections() {
        if (qkv == null && fusedQkv == null) fusedQkv = FusedLinear.of(List.of(q, k, v));
    }

    void releaseFused() {
        if (fusedQkv != null) fusedQkv.release();
        fusedQkv = null;
    }

    /** x (B, T, D) → (B, T, D). */
    Tensor forward(Tensor x, ForwardContext ctx) {
        long b = x.size(0);
        long t = x.size(1);
        Tensor[] h = heads(x, ctx.ropeFor(kind.rope()));
        // scores (B, KV, G·T, T) plus the additive causal/padding mask (B|1, 1, G·T, T), softmax over keys.
        return attend(h[0], h[1], h[2], ctx.maskFor(kind.sliding()), b, t);
    }

    /**
     * The projected heads: q (B, KV, G, T, hd), k and v (B, KV, T, hd); query head h uses key/value head h / G. The
     * per-head q/k norms, then the rotary positions (cos/sin (B, T, hd) broadcast over the head axes), where the
     * layer has them.
     */
    private Tensor[] heads(Tensor x, Rope.Tables rope) {
        long b = x.size(0);
        long t = x.size(1);
        int g = heads / kvHeads;
        Tensor[] qkvx = project(x);
        Tensor qh = qkvx[0].view(b, t, kvHeads, g, headDim).permute(0, 2, 3, 1, 4);
        Tensor kh = qkvx[1].view(b, t, kvHeads, headDim).permute(0, 2, 1, 3);
        Tensor vh = qkvx[2].view(b, t, kvHeads, headDim).permute(0, 2, 1, 3);
        if (qNorm != null) {
            qh = qNorm.forward(qh);
            kh = kNorm.forward(kh);
        }
        if (rope != null) {
            Tensor cos = rope.cos().unsqueeze(1);
            Tensor sin = rope.signedSin().unsqueeze(1);
            qh = Rope.apply(qh, cos.unsqueeze(1), sin.unsqueeze(1));
            kh = Rope.apply(kh, cos, sin);
        }
        return new Tensor[] {qh, kh, vh};
    }

    /**
     * Softmax attention of q (B, KV, G, T, hd) over keys/values (B, KV, L, hd) with an additive mask
     * (B|1, 1, G·T, L) or none → (B, T, D). The scale goes on q (10× fewer elements than the scores); mask and
     * softmax stay in the compute dtype: softmax accumulates in fp32 internally, as Hugging Face's
     * softmax(dtype=float32).to(bf16) does, and the (G·T × L) score tensor gets two passes instead of five.
     * Soft-capping (Gemma 2) bounds the scaled scores before the mask, as Hugging Face does.
     */
    private Tensor attend(Tensor qh, Tensor keys, Tensor values, Tensor mask, long b, long t) {
        int g = heads / kvHeads;
        Tensor q2 = qh.mul(Tensors.scalar(scale)).reshape(b, kvHeads, g * t, headDim);
        Tensor scores = q2.matmul(keys.transpose(2, 3));
        // out of place: tanh's backward reads its output
        if (softcap != null) scores = scores.div(Tensors.scalar(softcap)).tanh().mul(Tensors.scalar(softcap));
        Tensor probs = (mask == null ? scores : scores.add_(mask)).softmax(-1);
        // weighted values (B, KV, G·T, hd) → (B, T, KV, G, hd) → (B, T, H·hd): head order h = kv·G + g.
        Tensor out = probs.matmul(values).view(b, kvHeads, g, t, headDim).permute(0, 3, 1, 2, 4)
                .reshape(b, t, (long) heads * headDim);
        return o.forward(out);
    }

    /** The q, k, v projections of x (B, T, D): (B, T, H·hd), (B, T, KV·hd), (B, T, KV·hd). */
    private Tensor[] project(Tensor x) {
        if (fusedQkv != null) return fusedQkv.forward(x);
        if (qkv == null) return new Tensor[] {q.forward(x), k.forward(x), v.forward(x)};
        TensorVector parts = qkv.forward(x).split(new long[] {(long) heads * headDim,
                (long) kvHeads * headDim, (long) kvHeads * headDim}, -1);
        return new Tensor[] {parts.get(0), parts.get(1), parts.get(2)};
    }

    /**
     * x (B, T, D) of new tokens → (B, T, D), attending to the cached keys of each row's sequence plus its own new
     * ones, which are written into the cache first (see {@link CachedPass}).
     */
    Tensor forwardCached(Tensor x, CachedPass pass, int layer) {
        long b = x.size(0);
        long t = x.size(1);
        Tensor[] h = heads(x, pass.ropeFor(kind.rope()));
        // 1. append the new keys/values: rows (b, kv, t) of the cache viewed as (slots·KV·cap, hd).
        Tensor kc = pass.cache().keys(layer);
        Tensor vc = pass.cache().values(layer);
        kc.view(-1, headDim).index_copy_(0, pass.writeIndex(), h[1].reshape(b * kvHeads * t, headDim));
        vc.view(-1, headDim).index_copy_(0, pass.writeIndex(), h[2].reshape(b * kvHeads * t, headDim));
        // 2. the batch's slots cut to the longest row: (B, KV, L, hd) views, no copy.
        Tensor keys = kc.narrow(0, pass.firstSlot(), b).narrow(2, 0, pass.keyLength());
        Tensor values = vc.narrow(0, pass.firstSlot(), b).narrow(2, 0, pass.keyLength());
        // 3. scores (B, KV, G·T, L) + mask (B, 1, G·T, L), softmax, weighted values → (B, T, H·hd).
        return attend(h[0], keys, values, pass.maskFor(kind.sliding()), b, t);
    }
}
