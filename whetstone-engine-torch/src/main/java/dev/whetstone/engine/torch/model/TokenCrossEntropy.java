package dev.whetstone.engine.torch.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Cross-entropy over the vocabulary with its gradient computed by hand, chunk by chunk over tokens, so the
 * (tokens, V) logits never exist whole and autograd stores none of them. For 1 024 tokens and a 49 152 vocabulary
 * that is 200 MB of fp32 logits (plus softmax and its gradient) the plain formulation would keep.
 *
 * <p>Use: {@code r = compute(h.detach(), head, targets, 1/N, trainHead)}; then back-propagate with
 * {@code (h · r.gradHidden()).sum() [+ (head · r.gradHead()).sum()]}.backward().
 */
public final class TokenCrossEntropy {
    /** Rows per chunk: keeps each chunk's fp32 logits near 64 MB. */
    private static final long CHUNK_BYTES = 64L << 20;

    private TokenCrossEntropy() {}

    /**
     * @param lossSum    sum of −log p(target) over the rows
     * @param correct    rows whose arg-max logit is the target
     * @param gradHidden d(gradScale · lossSum)/d hidden, (M, D) in hidden's dtype; null without gradients
     * @param gradHead   d(gradScale · lossSum)/d head, (V, D); null unless asked for
     */
    public record Result(double lossSum, long correct, long count, Tensor gradHidden, Tensor gradHead) {}

    /**
     * @param hidden    (M, D) final hidden states at the positions that predict a target (no autograd history)
     * @param head      (V, D) output projection
     * @param targets   (M) int64 target ids
     * @param gradScale the factor on the loss sum whose gradient is wanted (1/target tokens of the optimizer batch);
     *                  0 for evaluation without gradients
     * @param headGrad  also return the head's gradient (full fine-tuning)
     */
    public static Result compute(Tensor hidden, Tensor head, Tensor targets, double gradScale, boolean headGrad) {
        return compute(hidden, head, targets, gradScale, headGrad, Math.max(1, CHUNK_BYTES / (4 * head.size(0))));
    }

    static Result compute(Tensor hidden, Tensor head, Tensor targets, double gradScale, boolean headGrad,
                          long rows) {
        long m = hidden.size(0);
        boolean grads = gradScale != 0;
        ScalarType lossType = Tensors.type(hidden) == ScalarType.Double ? ScalarType.Double : ScalarType.Float;
        double lossSum = 0;
        long correct = 0;
        try (NoGrad ng = NoGrad.enter()) {
            Tensor gradHidden = grads ? torch.empty_like(hidden) : null;
            Tensor gradHead = grads && headGrad ? torch.zeros_like(head) : null;
            for (long s = 0; s < m; s += rows) {
                long n = Math.min(rows, m - s);
                try (PointerScope chunk = new PointerScope()) {
                    Tensor h = hidden.narrow(0, s, n);
                    Tensor tgt = targets.narrow(0, s, n).unsqueeze(1);               // (n, 1)
                    Tensor logits = torch.linear(h, head).to(lossType);               // (n, V)
                    Tensor lse = logits.logsumexp(new long[] {-1}, true);             // (n, 1)
                    lossSum += Tensors.item(lse.sub(logits.gather(1, tgt)).sum());
                    correct += logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false)
                            .eq(tgt.squeeze(1)).sum().item_long();
                    if (!grads) continue;
                    // d lossSum / d logits = softmax − onehot(target), computed in place over the logits buffer.
                    Tensor g = logits.sub_(lse).exp_();
                    g.scatter_add_(1, tgt, torch.full(new long[] {n, 1}, Tensors.scalar(-1.0), opts(lossType)));
                    g = g.mul_(Tensors.scalar(gradScale)).to(Tensors.type(hidden));
                    gradHidden.narrow(0, s, n).copy_(g.mm(head));                    // (n, D)
                    if (gradHead != null) gradHead.addmm_(g.t(), h);                 // (V, D)
                }
            }
            return new Result(lossSum, correct, m, gradHidden, gradHead);
        }
    }

    private static TensorOptions opts(ScalarType t) { return Tensors.options(t); }
}
