package dev.whetstone.worker;

import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.MetricsRow;
import dev.whetstone.jobs.JobEvents;
import dev.whetstone.jobs.JobUpdates;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * One job as one worker runs it.
 *
 * @param rootBase       the base model the lineage starts from (the fine-tuned model's {@code model})
 * @param fineTunedModel the name the job's model gets on success (checkpoints are named after it)
 * @param resultsFileId  results.csv of this job
 * @param metricsKind    which metric columns its results.csv has
 * @param stopping       true once the worker is asked to stop: the job pauses back into the queue
 * @param meter          counts steps and tokens/s for the process's metrics
 */
record RunContext(WorkerEnvironment env, String workerId, String jobId, String rootBase, String fineTunedModel,
                  String resultsFileId, MetricsRow.Kind metricsKind,
                  JobEvents events, ResultsFile results, Heartbeat heartbeat, BooleanSupplier stopping,
                  TrainingMeter meter) {

    /** Changes the job only while this worker still holds it; empty once the job is gone or taken over. */
    Optional<FineTuningJob> whileOwner(UnaryOperator<FineTuningJob> change) {
        Optional<FineTuningJob> changed = JobUpdates.apply(env.stores().jobs(), jobId,
                j -> workerId.equals(j.leaseOwner()) ? change.apply(j) : null);
        return changed;
    }

    Optional<FineTuningJob> current() { return env.stores().jobs().find(jobId); }

    boolean owned(FineTuningJob job) { return workerId.equals(job.leaseOwner()) && !heartbeat.lost(); }

    long nowSeconds() { return env.clock().instant().getEpochSecond(); }

    void refreshResults() {
        if (resultsFileId == null) return;
        results.refresh(resultsFileId, env.stores().events().metrics(jobId), metricsKind);
    }
}
