package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.data.TokenizedExample;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;

/** Supervised fine-tuning: next-token cross-entropy over the trained tokens, averaged over the batch's targets. */
record SupervisedMethod(RunPlan plan, boolean packing) implements TrainingMethod {

    @Override
    public LossStep.Stats train(Trainable t, List<TokenizedExample> batch, int step) {
        long targets = batch.stream().mapToLong(e -> Batch.targets(e, plan.maxLength())).sum();
        if (targets == 0) return null;
        LossStep.Stats stats = LossStep.Stats.ZERO;
        for (Batch.Source micro : microBatches(batch)) {
            try (PointerScope scope = new PointerScope()) {
                stats = stats.plus(LossStep.trainMicroBatch(t, micro.build(), 1.0 / targets));
            }
        }
        return stats;
    }

    @Override
    public LossStep.Stats evaluate(Trainable t, List<TokenizedExample> batch) {
        LossStep.Stats s = LossStep.Stats.ZERO;
        for (List<TokenizedExample> micro : plan.microBatcher().split(batch)) {
            try (PointerScope scope = new PointerScope()) {
                s = s.plus(LossStep.evaluate(t, Batch.of(micro, plan.maxLength())));
            }
        }
        return s;
    }

    /** The step's micro-batches: padded (one example a row) or, with packing on, packed rows. */
    private List<Batch.Source> microBatches(List<TokenizedExample> batch) {
        int max = plan.maxLength();
        if (!packing) {
            return plan.microBatcher().split(batch).stream().map(m -> (Batch.Source) () -> Batch.of(m, max)).toList();
        }
        return plan.microBatcher().splitRows(Packer.rows(batch, max)).stream()
                .map(m -> (Batch.Source) () -> Batch.packed(m, max)).toList();
    }
}
