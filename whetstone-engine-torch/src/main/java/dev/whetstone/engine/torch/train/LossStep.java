package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.TokenCrossEntropy;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import dev.whetstone.engine.torch.vision.VisionLm;

/** Forward (and backward) of one micro-batch: next-token cross-entropy over its target positions. */
final class LossStep {
    private LossStep() {}

    /**
     * Loss sum, correct arg-max predictions and target count of a batch; for DPO also its pairs, the pairs whose
     * implicit reward prefers the preferred reply, and the sum of the reward margins; for reinforcement the sampled
     * answers, their reward sum and the sum of the per-token KL estimates (targets being the answers' tokens). The loss is a mean over what
     * the method averages: target tokens (supervised) or pairs (DPO, whose token counts are the preferred replies').
     */
    record Stats(double lossSum, long correct, long targets, long pairs, long wins, double marginSum,
                 long samples, double rewardSum, double klSum) {
        static final Stats ZERO = new Stats(0, 0, 0, 0, 0, 0);

        Stats(double lossSum, long correct, long targets) { this(lossSum, correct, targets, 0, 0, 0); }

        Stats(double lossSum, long correct, long targets, long pairs, long wins, double marginSum) {
            this(lossSum, correct, targets, pairs, wins, marginSum, 0, 0, 0);
        }

        Stats plus(Stats o) {
            return new Stats(lossSum + o.lossSum, correct + o.correct, targets + o.targets, pairs + o.pairs,
                    wins + o.wins, marginSum + o.marginSum, samples + o.samples, rewardSum + o.rewardSum,
                    klSum + o.klSum);
        }

        /** Reinforcement: mean grader reward of the sampled answers. */
        double rewardMean() { return samples == 0 ? 0 : rewardSum / samples; }

        /** Reinforcement: mean per-token KL estimate over the answers' tokens. */
        double klMean() { return targets == 0 ? 0 : klSum / targets; }

        /** Reinforcement: mean answer length in tokens. */
        double answerLength() { return samples == 0 ? 0 : (double) targets / samples; }

        double meanLoss() {
            if (pairs > 0) return lossSum / pairs;
            return targets == 0 ? 0 : lossSum / targets;
        }

        double accuracy() { return targets == 0 ? 0 : (double) correct / targets; }

        double rewardAccuracy() { return pairs == 0 ? 0 : (double) wins / pairs; }

        double rewardMargin() { return pairs == 0 ? 0 : marginSum / pairs; }
    }

    /**
     * Accumulates into the parameters' gradients d(gradScale · lossSum): the hidden states at target positions
     * (M, D) get their gradient from {@link TokenCrossEntropy} (which adds the head's own gradient straight into
     * its .grad when trained), and autograd carries it through the model via the surrogate (rows · grad).sum().
     */
    static Stats trainMicroBatch(Trainable t, Batch b, double gradScale) {
        if (b.targets() == 0) return Stats.ZERO;
        try (PointerScope scope = new PointerScope()) {
            CausalLm m = t.model();
            Tensor rows = targetRows(t, b);
            Tensor head = m.headWeight();
            var r = TokenCrossEntropy.compute(rows.detach(), head, b.targetIds(), gradScale,
                    t.headTrainable() ? head.grad() : null);
            rows.mul(r.gradHidden()).sum().backward();
            return new Stats(r.lossSum(), r.correct(), r.count());
        }
    }

    static Stats evaluate(Trainable t, Batch b) {
        if (b.targets() == 0) return Stats.ZERO;
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            CausalLm m = t.model();
            var r = TokenCrossEntropy.compute(targetRows(t, b), m.headWeight(), b.targetIds(), 0, null);
            return new Stats(r.lossSum(), r.correct(), r.count());
        }
    }

    /**
     * Final hidden states at the target positions, the batch's images spliced in at their image tokens (a
     * vision-language model). A frozen vision side's features come from the run's cache (computed once an image,
     * without autograd); a trained connector records autograd through it.
     */
    static Tensor targetRows(Trainable t, Batch b) {
        VisionLm v = t.vision();
        if (b.pixels() == null || v == null) {
            if (b.pixels() != null) throw new IllegalStateException("a batch with images for a text model");
            return targetRows(t.model(), b);
        }
        // a trained connector needs autograd through it every step; a frozen vision side gives cached features
        Tensor features = t.visionTrained() ? v.imageFeatures(b.pixels())
                : t.imageFeatures().features(v, b.images());
        Tensor h = v.hidden(b.inputIds(), features, b.positions(), null, b.segments());
        return h.reshape(-1, h.size(2)).index_select(0, b.targetRows());
    }

    /** Final hidden states at the target positions: (B, T, D) → (M, D). */
    static Tensor targetRows(CausalLm m, Batch b) {
        Tensor h = m.hidden(b.inputIds(), b.positions(), null, b.segments());
        return h.reshape(-1, h.size(2)).index_select(0, b.targetRows());
    }
}
