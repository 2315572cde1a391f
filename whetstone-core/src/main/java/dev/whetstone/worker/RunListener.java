package dev.whetstone.worker;

import dev.whetstone.Ids;
import dev.whetstone.engine.CheckpointInfo;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingPlan;
import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.jobs.MetricsRow;
import dev.whetstone.jobs.ModelNames;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the trainer's progress into stored state: a metrics row per step (keyed by step, so a resumed run replaces
 * rather than duplicates), a metrics event every N steps (none for steps already reported before a takeover),
 * checkpoints (the newest few kept), and the answer to "go on?" at each step boundary.
 */
final class RunListener implements TrainingListener {
    private final RunContext run;
    private final int reportedUpTo;
    private final CheckpointKeeper keeper;

    /** @param reportedUpTo the highest step a metrics event was already written for (0 on a first start) */
    RunListener(RunContext run, int reportedUpTo) {
        this.run = run;
        this.reportedUpTo = reportedUpTo;
        this.keeper = new CheckpointKeeper(run);
    }

    @Override
    public void onPlan(TrainingPlan plan) {
        // A job planned before (a takeover or a resume) must not repeat the tokenization summary, even when its
        // interrupted run had written no resume point yet and training starts over.
        boolean plannedBefore = run.env().stores().jobs().find(run.jobId()).map(j -> j.resolved() != null).orElse(false);
        run.whileOwner(j -> j.toBuilder().resolved(plan.hyperparameters()).build());
        var h = plan.hyperparameters();
        if (plan.startStep() == 0 && plannedBefore) {
            run.events().info(run.jobId(), "Training starts over at step 1 of " + plan.totalSteps()
                    + ": the interrupted run had written no resume point yet.");
        } else if (plan.startStep() == 0) {
            run.events().info(run.jobId(), String.format(Locale.ROOT, "Tokenized %d training examples (%d tokens) and "
                    + "%d validation examples. Training %d steps: %d epochs of %d steps, batch size %d, learning rate "
                    + "%.3g (multiplier %s).", plan.trainingExamples(), plan.trainingTokens(), plan.validationExamples(),
                    plan.totalSteps(), h.nEpochs(), plan.stepsPerEpoch(), h.batchSize(), h.learningRate(),
                    MetricsRow.number(h.learningRateMultiplier()))
                    + (h.preference() ? " DPO on preference pairs, beta " + MetricsRow.number(h.beta()) + "." : "")
                    + (h.reinforcementRun() ? String.format(Locale.ROOT, " Reinforcement (GRPO): %d answers sampled"
                    + " per prompt (compute_multiplier %s), at most %d tokens each; KL weight %s; evaluation every %d"
                    + " steps on %d validation prompts.", h.reinforcement().groupSize(),
                    MetricsRow.number(h.reinforcement().computeMultiplier()), h.reinforcement().maxAnswerTokens(),
                    MetricsRow.number(h.reinforcement().klBeta()), h.reinforcement().evalInterval(),
                    h.reinforcement().evalSamples()) : ""));
        } else {
            run.events().info(run.jobId(), "Training continues at step " + (plan.startStep() + 1) + " of "
                    + plan.totalSteps() + ".");
        }
        if (plan.truncatedExamples() > 0) {
            run.events().warning(run.jobId(), plan.truncatedExamples() + " examples are longer than the model's "
                    + "context and were truncated; the cut-off tokens are not trained on.");
        }
    }

    @Override
    public void onStep(StepMetrics m) {
        run.env().stores().events().putMetrics(run.jobId(), MetricsRow.of(m));
        run.meter().step(run.jobId(), m);
        boolean report = m.step() % run.env().settings().metricsEventEvery() == 0 || m.step() == m.totalSteps();
        if (!report || m.step() <= reportedUpTo) return;
        run.events().metrics(run.jobId(), String.format(Locale.ROOT, "Step %d: training loss=%s", m.step(),
                MetricsRow.number(m.trainLoss())), eventData(m));
        long eta = run.nowSeconds() + Math.round(m.etaSeconds());
        run.whileOwner(j -> j.status().isTerminal() ? null : j.toBuilder().estimatedFinish(eta).build());
        run.refreshResults();
    }

    @Override
    public void onCheckpoint(CheckpointInfo c) {
        String name = ModelNames.checkpoint(run.fineTunedModel(), c.step());
        if (keeper.has(c.step())) return;
        run.env().paths().publish(c.dir()); // stored before its record exists: a listed checkpoint is always readable
        keeper.add(new Checkpoint(Ids.newId("ftchkpt-"), run.jobId(), run.nowSeconds(), c.step(), name,
                MetricsRow.of(c.metrics()).checkpointMetrics(), run.env().paths().relative(c.dir())));
        run.events().info(run.jobId(), "Checkpoint created at step " + c.step() + " (epoch " + c.epoch() + "): " + name);
    }

    /**
     * Stored at once, so the job resumes from here on any worker if this one dies. A failed upload only costs the
     * steps since the previous resume point, which stays whole in the store: a warning, not a failed job.
     */
    @Override
    public void onResumePoint(java.nio.file.Path dir, int stepsDone) {
        try {
            run.env().paths().publish(dir);
        } catch (java.io.UncheckedIOException e) {
            org.slf4j.LoggerFactory.getLogger(RunListener.class).warn("job {}: resume point after step {} not stored: {}",
                    run.jobId(), stepsDone, e.getMessage());
        }
    }

    @Override
    public void onWarning(String message) {
        run.events().warning(run.jobId(), message);
    }

    @Override
    public Control control() {
        if (run.heartbeat().lost()) return Control.CANCEL;
        Optional<FineTuningJob> job = run.current();
        if (job.isEmpty() || !run.owned(job.get())) {
            if (job.isPresent()) run.heartbeat().markLost();
            return Control.CANCEL;
        }
        FineTuningJob j = job.get();
        if (j.status() == JobStatus.CANCELLED || j.cancelRequested()) return Control.CANCEL;
        if (j.pauseRequested() || run.stopping().getAsBoolean()) return Control.PAUSE;
        return Control.CONTINUE;
    }

    /** Azure's metric keys, then our live progress (tokens/s, peak memory) for the portal's charts. */
    private static Map<String, Object> eventData(StepMetrics m) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("step", m.step());
        data.putAll(MetricsRow.of(m).values());
        data.put("epoch", m.epoch());
        data.put("total_steps", m.totalSteps());
        data.put("tokens_seen", integral(m.tokensSeen()));
        data.put("tokens_per_second", m.tokensPerSecond());
        data.put("peak_memory_bytes", integral(m.peakRssBytes()));
        return data;
    }

    /** Integer when it fits, as JSON stores read numbers back (JobEventStore's data rule). */
    private static Number integral(long v) {
        return v == (int) v ? Integer.valueOf((int) v) : Long.valueOf(v);
    }
}
