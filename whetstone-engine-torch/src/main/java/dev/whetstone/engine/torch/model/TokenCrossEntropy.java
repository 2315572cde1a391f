package dev.whetstone.engine.torch.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Cross-entropy over the vocabulary with its gradient computed by hand, chunk by chunk over tokens, so the
 * (tokens, V) logits never exist whole and autograd stores none of them. For 1 024 tokens and a 49 152 vocabulary
 * that is 200 MB of fp32 logits (plus softmax and its gradient) the plain formulation would keep.
 *
 * <p>Use: {@code r = compute(h.detach(), head, targets, 1/N, head.grad())} (or null for a frozen head), then
 * back-propagate with {@code (h · r.gradHidden()).sum().backward()}: the head's gradient is already accumulated.
 */
public final class TokenCrossEntropy {
    /**
     * Rows per chunk: each chunk's fp32 logits at most 60 MiB. Buffers under glibc's 64 MiB per-thread heap size
     * are reused from the heap instead of freshly mapped (page faults cost more than the arithmetic here); smaller
     * chunks measured more page faults, not fewer.
     */
    private static final long CHUNK_BYTES = 60L << 20;

    private TokenCrossEntropy() {}

    private static final ThreadLocal<Workspace> OPEN = new ThreadLocal<>();

    /**
     * Buffers that every chunk of every {@link #compute} on this thread reuses while open (one training run): the
     * chunk's logits and its gradient in the hidden states' dtype and its fp32 exponentials, (rows, V) each — for
     * 320 rows of a 49 152 vocabulary 31 + 63 + 31 MB. Allocated per chunk instead, they come from glibc heaps
     * that are unmapped whenever they fall wholly free (a thread's heaps ignore the trim threshold), so whether a
     * step pays fresh, zeroed pages depends on what else the step allocated: with the stacked LoRA projections
     * every step of the SmolLM2-135M-shaped benchmark took 43 000 page faults in the loss (176 MB, 0.07–0.1
     * CPU-seconds of the loss's 0.62), with the separate ones none in some runs and 31 000 in some steps of
     * others (BENCHMARKS.md #19). Not thread-safe: one per thread, opened and closed on it.
     */
    public static final class Workspace implements AutoCloseable {
        private Tensor logits;
        private Tensor exp;
        private Tensor grad;
        private final Workspace previous;

        private Workspace(Workspace previous) { this.previous = previous; }

        /**
         * The buffers for (rows, v) chunks of these dtypes, kept while they fit: logits, exponentials and gradient;
         * the last two null when the logits are already in the loss dtype (shifted and exponentiated in place).
         */
        private Tensor[] buffers(long rows, long v, ScalarType type, ScalarType lossType) {
            boolean widen = type != lossType;
            if (logits == null || logits.size(0) < rows || logits.size(1) != v || Tensors.type(logits) != type
                    || (exp == null) == widen || (widen && Tensors.type(exp) != lossType)) {
                release();
                logits = Tensors.retain(torch.zeros(new long[] {rows, v}, Tensors.options(type)));
                if (widen) {
                    exp = Tensors.retain(torch.zeros(new long[] {rows, v}, Tensors.options(lossType)));
                    grad = Tensors.retain(torch.zeros(new long[] {rows, v}, Tensors.options(type)));
                }
            }
            return new Tensor[] {logits, exp, grad};
        }

        private void release() {
            for (Tensor t : new Tensor[] {logits, exp, grad}) if (t != null) t.releaseReference();
            logits = exp = grad = null;
        }

        @Override
        public void close() {
            release();
            if (previous == null) OPEN.remove(); else OPEN.set(previous);
        }
    }

    /** Opens this thread's workspace; {@link #compute} uses it until it is closed. */
    public static Workspace openWorkspace() {
        Workspace w = new Workspace(OPEN.get());
        OPEN.set(w);
        return w;
    }

    /**
     * @param lossSum    sum of −log p(target) over the rows
     * @param correct    rows whose arg-max logit is the target
     * @param gradHidden d(gradScale · lossSum)/d hidden, (M, D) in hidden's dtype; null without gradients
     */
    public record Result(double lossSum, long correct, long count, Tensor gradHidden) {}

    /**
     * @param hidden    (M, D) final hidden states at the positions that predict a target (no autograd history)
     * @param head      (V, D) output projection
     * @param targets   (M) int64 target ids
     * @param gradScale the factor on the loss sum whose gradient is wanted (1/target tokens of the optimizer batch);
     *                  0 for evaluation without gradients
     * @param headGrad  where d(gradScale · lossSum)/d head (V, D) is added (the head's .grad for full
     *                  fine-tuning), or null for a frozen head
     */
    public static Result compute(Tensor hidden, Tensor head, Tensor targets, double gradScale, Tensor headGrad) {
        return compute(hidden, head, targets, gradScale, headGrad, Math.max(1, CHUNK_BYTES / (4 * head.size(0))));
    }

    static Result compute(Tensor hidden, Tensor master, Tensor targets, double gradScale, Tensor headGrad,
                          long rows) {
        long m = hidden.size(0);
        // mixed precision: an fp32 head is cast once to the hidden states' dtype (bf16) for the products; its
        // gradient chunks, computed in bf16 as autocast would, are added into the fp32 .grad
        boolean sameGradType = headGrad != null && Tensors.type(headGrad) == Tensors.type(hidden);
        boolean grads = gradScale != 0;
        ScalarType lossType = Tensors.type(hidden) == ScalarType.Double ? ScalarType.Double : ScalarType.Float;
        double lossSum = 0;
        long correct = 0;
        try (NoGrad ng = NoGrad.enter()) {
            Tensor head = master.to(Tensors.type(hidden));
            Tensor gradHidden = grads ? torch.empty_like(hidden) : null;
            Workspace ws = OPEN.get();
            Tensor[] buf = ws == null || m == 0 ? null
                    : ws.buffers(Math.min(rows, m), head.size(0), Tensors.type(hidden), lossType);
            for (long s = 0; s < m; s += rows) {
                long n = Math.min(rows, m - s);
                try (PointerScope chunk = new PointerScope()) {
                    Tensor h = hidden.narrow(0, s, n);
                    Tensor tgt = targets.narrow(0, s, n).unsqueeze(1);                // (n, 1)
                    Tensor logits = buf == null ? torch.linear(h, head)
                            : torch.linear_out(buf[0].narrow(0, 0, n), h, head);
                    Tensor expBuffer = buf == null || buf[1] == null ? null : buf[1].narrow(0, 0, n);
                    Chunk c = chunk(logits, tgt, lossType, expBuffer);
                    lossSum += c.lossSum();
                    correct += c.correct();
                    if (!grads) continue;
                    // d lossSum / d logits = softmax − onehot(target), scaled, written over the exp buffer.
                    Tensor g = c.exp().mul_(c.sumExp().reciprocal().mul_(Tensors.scalar(gradScale)));
                    g.scatter_add_(1, tgt, torch.full(new long[] {n, 1}, Tensors.scalar(-gradScale), opts(lossType)));
                    if (Tensors.type(g) != Tensors.type(hidden)) {
                        g = buf == null || buf[2] == null ? g.to(Tensors.type(hidden))
                                : buf[2].narrow(0, 0, n).copy_(g);
                    }
                    torch.mm_out(gradHidden.narrow(0, s, n), g, head);                // (n, D)
                    if (sameGradType) headGrad.addmm_(g.t(), h);                      // (V, D)
                    else if (headGrad != null) headGrad.add_(g.t().mm(h));
                }
            }
            return new Result(lossSum, correct, m, gradHidden);
        }
    }

    /** exp(logits − rowmax) in the loss dtype, its row sums, and the chunk's loss sum and correct count. */
    private record Chunk(Tensor exp, Tensor sumExp, double lossSum, long correct) {}

    /**
     * One pass set over the (n, V) logits, which may be bf16: the max-shift subtraction also widens them to the
     * loss dtype (one pass instead of a cast plus a subtraction; into {@code expBuffer} when given), then exp
     * in place and a row sum. lse = max + log Σ exp; loss = lse − logit[target].
     */
    private static Chunk chunk(Tensor logits, Tensor tgt, ScalarType lossType, Tensor expBuffer) {
        Tensor rawMax = logits.amax(new long[] {-1}, true);                          // (n, 1)
        Tensor rawPicked = logits.gather(1, tgt);                                   // (n, 1)
        long correct = correct(logits, tgt, rawMax, rawPicked);
        Tensor max = rawMax.to(lossType);
        Tensor picked = rawPicked.to(lossType);
        // fp32 logits are shifted in place (no second buffer); bf16 ones are widened by the subtraction.
        Tensor e = Tensors.type(logits) == lossType ? logits.sub_(max)
                : expBuffer != null ? torch.sub_out(expBuffer, logits, max) : logits.sub(max);
        if (Tensors.type(e) != lossType) e = e.to(lossType);
        e.exp_();
        Tensor sum = e.sum(new long[] {-1}, true, new ScalarTypeOptional());          // (n, 1)
        double loss = Tensors.item(max.add(sum.log()).sub(picked).sum());
        return new Chunk(e, sum, loss, correct);
    }

    /**
     * Rows whose arg-max is the target, without an arg-max over the (n, V) logits: libtorch 2.7.1's CPU argmax is
     * a scalar reduction, 10–20× slower than amax here (0.6–1.0 s against 0.03–0.08 s a step for 960 × 49 152 bf16
     * logits, measured). The target wins where its logit is the row's maximum, unless an earlier index ties with it
     * (argmax returns the first maximal index); ties are looked up, and settled by argmax, on their rows alone.
     */
    private static long correct(Tensor logits, Tensor tgt, Tensor rawMax, Tensor rawPicked) {
        Tensor atMax = rawPicked.eq(rawMax).squeeze(1);                              // (n)
        long correct = atMax.sum().item_long();
        if (correct == 0) return 0;
        Tensor tied = logits.eq(rawMax).sum(new long[] {-1}, false, new ScalarTypeOptional()).gt(Tensors.scalar(1))
                .logical_and(atMax);
        long ties = tied.sum().item_long();
        if (ties == 0) return correct;
        Tensor rows = tied.nonzero().squeeze(1);
        long won = logits.index_select(0, rows).argmax(new LongOptional(1), false)
                .eq(tgt.squeeze(1).index_select(0, rows)).sum().item_long();
        return correct - (ties - won);
    }

    private static TensorOptions opts(ScalarType t) { return Tensors.options(t); }
}
