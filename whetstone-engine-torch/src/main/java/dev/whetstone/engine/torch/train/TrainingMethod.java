package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.data.TokenizedExample;
import java.util.List;

/**
 * What one training method makes of a batch: its loss (forward and backward, gradients accumulated into the
 * trainable's parameters) and metrics. The loop, optimizer, schedule, checkpoints, resume, pause and metrics rows
 * are {@link FineTuneRun}'s and shared by every method.
 */
sealed interface TrainingMethod permits SupervisedMethod, DpoMethod, ReinforcementMethod {

    /**
     * Forward and backward over one optimizer batch.
     *
     * @param step the 0-based optimizer step (reinforcement seeds its sampling with it)
     * @return the batch's metrics, or null when it has nothing to train on (the step is then skipped)
     */
    LossStep.Stats train(Trainable t, List<TokenizedExample> batch, int step);

    /** Metrics of a batch without gradients (validation; dropout is already off). */
    LossStep.Stats evaluate(Trainable t, List<TokenizedExample> batch);

    /**
     * The method of a run: reinforcement when the resolved hyperparameters carry its settings, DPO when they carry
     * a beta, else supervised.
     */
    static TrainingMethod of(FineTuneRequest request, RunPlan plan) {
        if (plan.hyperparameters().reinforcementRun()) {
            return new ReinforcementMethod(plan, plan.hyperparameters().reinforcement(), request.grading(),
                    request.seed());
        }
        if (plan.hyperparameters().preference()) return new DpoMethod(plan, plan.hyperparameters().beta());
        return new SupervisedMethod(plan, request.options().packing());
    }
}
