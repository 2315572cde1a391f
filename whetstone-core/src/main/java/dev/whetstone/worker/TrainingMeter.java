package dev.whetstone.worker;

import dev.whetstone.engine.StepMetrics;

/**
 * Where a process's training progress is counted for its metrics (the server binds it to Prometheus meters). Called
 * on the worker's thread after each step is stored; implementations must be cheap and never throw.
 */
public interface TrainingMeter {
    TrainingMeter NONE = new TrainingMeter() {
        @Override
        public void step(String jobId, StepMetrics metrics) {}

        @Override
        public void ended(String jobId) {}
    };

    /** One training step of {@code jobId} finished on this process. */
    void step(String jobId, StepMetrics metrics);

    /** This process stopped running {@code jobId} (finished, failed, paused or handed back). */
    void ended(String jobId);
}
