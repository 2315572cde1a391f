package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.TokenCrossEntropy;
import dev.whetstone.engine.torch.model.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Direct preference optimisation, sigmoid form (TRL's {@code loss_type="sigmoid"}): per pair
 * {@code loss = −log σ(z)}, {@code z = β·((log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x)))},
 * with sequence log-probabilities summed over each reply's trained tokens (the reply and its end-of-turn token),
 * averaged over the batch's pairs. The reference is the weights the run started from ({@link Trainable#withReference}):
 * evaluated once per pair and step, without gradients.
 *
 * <p>The gradient reuses {@link TokenCrossEntropy}'s hand-written one: dLoss/d lossSum of a sequence is a number per
 * sequence ({@code +gradScale·β·σ(−z)} for the preferred, its negative for the non-preferred reply, as
 * lossSum = −log π), so each sequence's hidden-state gradient is that number times the cross-entropy's.
 *
 * <p>Metrics: the implicit reward of a reply is {@code β·(log π − log π_ref)}; reward accuracy is the share of pairs
 * with z &gt; 0, the margin the mean z; token accuracy is over the preferred replies' tokens.
 */
record DpoMethod(RunPlan plan, double beta) implements TrainingMethod {

    @Override
    public LossStep.Stats train(Trainable t, List<TokenizedExample> batch, int step) {
        int max = plan.maxLength();
        boolean anyTarget = batch.stream().anyMatch(e -> Batch.targets(e, max) + Batch.targets(e.rejected(), max) > 0);
        if (!anyTarget) return null;
        LossStep.Stats stats = LossStep.Stats.ZERO;
        for (List<TokenizedExample> micro : plan.microBatcher().splitPairs(batch)) {
            try (PointerScope scope = new PointerScope()) {
                stats = stats.plus(pairs(t, micro, 1.0 / batch.size()));
            }
        }
        return stats;
    }

    @Override
    public LossStep.Stats evaluate(Trainable t, List<TokenizedExample> batch) {
        LossStep.Stats stats = LossStep.Stats.ZERO;
        for (List<TokenizedExample> micro : plan.microBatcher().splitPairs(batch)) {
            try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
                stats = stats.plus(pairs(t, micro, 0));
            }
        }
        return stats;
    }

    /**
     * One micro-batch of pairs: rows 0..n−1 the preferred sequences, n..2n−1 the non-preferred ones.
     *
     * @param gradScale the factor on the pairs' loss sum whose gradient is accumulated (1/pairs of the optimizer
     *                  batch); 0 to evaluate only
     */
    private LossStep.Stats pairs(Trainable t, List<TokenizedExample> pairs, double gradScale) {
        int n = pairs.size();
        List<TokenizedExample> rows = new ArrayList<>(2 * n);
        for (TokenizedExample p : pairs) rows.add(p);
        for (TokenizedExample p : pairs) rows.add(p.rejected());
        Batch b = Batch.of(rows, plan.maxLength());
        long[] offsets = new long[2 * n + 1];
        for (int s = 0; s < 2 * n; s++) offsets[s + 1] = offsets[s] + Batch.targets(rows.get(s), plan.maxLength());

        double[] reference = t.withReference(m -> sequences(m, b, offsets, 0, null).logProbs());
        boolean grads = gradScale != 0;
        CausalLm m = t.model();
        Tensor hidden = b.targets() == 0 ? null : LossStep.targetRows(m, b);
        // LoRA: one pass with gradScale 1 gives each sequence's cross-entropy gradient, scaled per sequence below.
        // A trained head takes its gradient inside the pass, so it needs the final per-sequence factor: two passes.
        boolean scaleAfter = grads && !t.headTrainable();
        Sequences policy = hidden == null ? Sequences.empty(2 * n)
                : sequences(m, b, offsets, scaleAfter ? 1 : 0, hidden.detach());

        double lossSum = 0;
        double marginSum = 0;
        long wins = 0;
        double[] factor = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double z = beta * ((policy.logProbs()[i] - reference[i]) - (policy.logProbs()[n + i] - reference[n + i]));
            lossSum += softplus(-z);
            marginSum += z;
            if (z > 0) wins++;
            double d = gradScale * beta * sigmoid(-z);  // dLoss/d lossSum: + for the preferred, − for the other
            factor[i] = d;
            factor[n + i] = -d;
        }
        if (grads && hidden != null) backward(t, m, b, offsets, hidden, policy, factor, scaleAfter);
        long correct = 0;
        long targets = offsets[n];
        for (int i = 0; i < n; i++) correct += policy.correct()[i];
        return new LossStep.Stats(lossSum, correct, targets, n, wins, marginSum);
    }

    private void backward(Trainable t, CausalLm m, Batch b, long[] offsets, Tensor hidden, Sequences policy,
                          double[] factor, boolean scaleAfter) {
        Tensor grad = torch.zeros_like(hidden);
        Tensor rows = hidden.detach();
        for (int s = 0; s < factor.length; s++) {
            long len = offsets[s + 1] - offsets[s];
            if (len == 0 || factor[s] == 0) continue;
            Tensor slice = grad.narrow(0, offsets[s], len);
            if (scaleAfter) {
                slice.copy_(policy.gradHidden().get(s).mul(Tensors.scalar(factor[s])));
            } else {
                var r = TokenCrossEntropy.compute(rows.narrow(0, offsets[s], len), m.headWeight(),
                        b.targetIds().narrow(0, offsets[s], len), factor[s], m.headWeight().grad());
                slice.copy_(r.gradHidden());
            }
        }
        hidden.mul(grad).sum().backward();
    }

    /**
     * Sequence log-probabilities (minus each sequence's cross-entropy sum) and arg-max hits.
     *
     * @param rows      the target rows' hidden states without history, or null to compute them here (no grad)
     * @param gradScale 1 to keep each sequence's cross-entropy gradient, 0 for none
     */
    private static Sequences sequences(CausalLm m, Batch b, long[] offsets, double gradScale, Tensor rows) {
        int count = offsets.length - 1;
        if (b.targets() == 0) return Sequences.empty(count);
        Tensor h = rows != null ? rows : LossStep.targetRows(m, b);
        double[] logProbs = new double[count];
        long[] correct = new long[count];
        List<Tensor> grads = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            long len = offsets[s + 1] - offsets[s];
            if (len == 0) {
                grads.add(null);
                continue;
            }
            var r = TokenCrossEntropy.compute(h.narrow(0, offsets[s], len), m.headWeight(),
                    b.targetIds().narrow(0, offsets[s], len), gradScale, null);
            logProbs[s] = -r.lossSum();
            correct[s] = r.correct();
            grads.add(r.gradHidden());
        }
        return new Sequences(logProbs, correct, grads);
    }

    /** Per sequence: log-probability, arg-max hits, and (when asked) the cross-entropy's hidden-state gradient. */
    private record Sequences(double[] logProbs, long[] correct, List<Tensor> gradHidden) {
        static Sequences empty(int count) { return new Sequences(new double[count], new long[count], List.of()); }
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) { return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); }

    static double sigmoid(double x) { return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)); }
}
