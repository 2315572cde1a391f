package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.data.TokenizedExample;
import java.util.ArrayList;
import java.util.List;

/**
 * Validation metrics: one batch every few steps (batches taken in file order, in rotation) and the whole set at
 * each epoch end. Dropout is off while evaluating.
 */
final class Validation {
    private final List<List<TokenizedExample>> batches = new ArrayList<>();
    private final TrainingMethod method;
    private final int validEvery;

    Validation(List<TokenizedExample> examples, RunPlan plan, TrainingMethod method, int validEvery) {
        this.method = method;
        this.validEvery = validEvery;
        int size = Math.max(1, plan.hyperparameters().batchSize());
        for (int i = 0; i < examples.size(); i += size) {
            batches.add(examples.subList(i, Math.min(examples.size(), i + size)));
        }
    }

    /** The batch for the validation point after step {@code step} (0-based), or null without validation data. */
    LossStep.Stats batch(Trainable t, int step) {
        if (batches.isEmpty()) return null;
        int k = (step + 1) / validEvery - 1;
        return evaluate(t, batches.get(Math.floorMod(k, batches.size())));
    }

    LossStep.Stats full(Trainable t) {
        if (batches.isEmpty()) return null;
        LossStep.Stats s = LossStep.Stats.ZERO;
        for (List<TokenizedExample> b : batches) s = s.plus(evaluate(t, b));
        return s;
    }

    private LossStep.Stats evaluate(Trainable t, List<TokenizedExample> batch) {
        t.setTraining(false);
        try {
            return method.evaluate(t, batch);
        } finally {
            t.setTraining(true);
        }
    }
}
