package dev.whetstone.worker;

import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobError;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.jobs.MetricsRow;
import dev.whetstone.models.FineTunedModel;
import dev.whetstone.safety.SafetyCheck;
import dev.whetstone.safety.SafetyEvaluation;
import java.util.List;
import java.util.Optional;

/**
 * Settles how a run ended: succeeded (model registered, final checkpoint named, results written), paused (or
 * handed back to the queue when the worker stops), stopped by a cancel, or failed. Nothing is written for a job
 * this worker no longer holds.
 */
final class JobOutcomes {
    private final RunContext run;

    JobOutcomes(RunContext run) {
        this.run = run;
    }

    /** @param evaluation the model evaluation of a completed run; null sends a completed run back to the queue */
    void settle(TrainingOutcome outcome, SafetyCheck evaluation) {
        Optional<FineTuningJob> job = run.current();
        if (job.isEmpty()) {
            // deleted while it ran: drop what it wrote since (its checkpoint records went with the job)
            run.env().paths().deleteJob(run.jobId(), run.env().stores().checkpoints().all(run.jobId()).stream()
                    .map(dev.whetstone.jobs.Checkpoint::dir).toList());
            return;
        }
        if (!run.owned(job.get())) return;
        run.refreshResults();
        if (job.get().status().isTerminal()) {
            release();
            return;
        }
        switch (outcome.status()) {
            case COMPLETED -> {
                if (evaluation == null) pause(job.get());
                else succeed(outcome, evaluation);
            }
            case PAUSED -> pause(job.get());
            case CANCELLED -> cancelled(job.get());
        }
    }

    private void succeed(TrainingOutcome outcome, SafetyCheck evaluation) {
        run.events().info(run.jobId(), "Postprocessing started.");
        List<MetricsRow> rows = run.env().stores().events().metrics(run.jobId());
        MetricsRow last = rows.isEmpty() ? null : rows.getLast();
        run.env().paths().publishOnce(outcome.modelDir()); // the model is stored before anything names it
        new CheckpointKeeper(run).finish(last == null ? 0 : last.step(), outcome.modelDir(), last);
        FineTunedModel model = new FineTunedModel(run.fineTunedModel(), run.nowSeconds(),
                run.rootBase(), run.jobId(),
                run.env().paths().relative(outcome.modelDir()), JobStatus.SUCCEEDED.wireName(), evaluation);
        boolean registered = run.env().stores().models().find(model.id()).isEmpty();
        if (registered) run.env().stores().models().insert(model);
        run.events().info(run.jobId(), "Completed results file: " + run.resultsFileId());
        run.events().info(run.jobId(), "Training tokens billed: " + outcome.trainedTokens());
        Optional<FineTuningJob> done = run.whileOwner(j -> j.status().isTerminal() ? null : j.toBuilder()
                .status(JobStatus.SUCCEEDED).fineTunedModel(model.id()).trainedTokens(outcome.trainedTokens())
                .resolved(outcome.hyperparameters() != null ? outcome.hyperparameters() : j.resolved())
                .finishedAt(run.nowSeconds()).estimatedFinish(null).pauseRequested(false).lease(null, null)
                .safetyEvaluation(SafetyEvaluation.of(j.safetyEvaluation()).withModel(evaluation)).build());
        if (done.isPresent()) {
            run.events().info(run.jobId(), "Job succeeded.");
        } else if (registered) {
            run.env().stores().models().delete(model.id()); // cancelled at the very end: no model for it
        }
    }

    /** Only a flag set through the store (not the API, which cancels at once) reaches here. */
    private void cancelled(FineTuningJob job) {
        if (!job.cancelRequested()) {
            fail(new JobError("training_failed", "Training stopped without being asked to.", null));
            return;
        }
        run.whileOwner(j -> j.status().isTerminal() ? null : j.toBuilder().status(JobStatus.CANCELLED)
                .finishedAt(run.nowSeconds()).estimatedFinish(null).lease(null, null).build());
        run.events().info(run.jobId(), "Job cancelled.");
    }

    private void pause(FineTuningJob job) {
        int step = lastStep();
        if (job.pauseRequested()) {
            run.whileOwner(j -> j.toBuilder().status(JobStatus.PAUSED).pauseRequested(false).estimatedFinish(null)
                    .lease(null, null).build());
            run.events().info(run.jobId(), "Job paused after step " + step + ".");
        } else {
            run.whileOwner(j -> j.toBuilder().status(JobStatus.PENDING).estimatedFinish(null).lease(null, null).build());
            // Handed back now rather than left to lease expiry: any worker can claim it at once (docs/operations.md).
            run.events().info(run.jobId(), "The worker is shutting down: it handed the job back to the queue after "
                    + "step " + step + "; another worker continues from there.");
        }
    }

    void fail(JobError error) {
        Optional<FineTuningJob> failed = run.whileOwner(j -> j.status().isTerminal() ? null : j.toBuilder()
                .status(JobStatus.FAILED).error(error).finishedAt(run.nowSeconds()).estimatedFinish(null)
                .lease(null, null).build());
        if (failed.isPresent()) {
            run.refreshResults();
            run.events().error(run.jobId(), "Job failed: " + error.message());
        } else {
            release();
        }
    }

    /** Clears this worker's lease on a job that ended meanwhile (cancelled), leaving its status as it is. */
    private void release() {
        run.whileOwner(j -> j.toBuilder().lease(null, null).build());
    }

    private int lastStep() {
        List<MetricsRow> rows = run.env().stores().events().metrics(run.jobId());
        return rows.isEmpty() ? 0 : rows.getLast().step();
    }
}
