package dev.whetstone.engine;

/** Receives a run's progress live, and tells the trainer at each step boundary whether to go on. */
public interface TrainingListener {
    void onPlan(TrainingPlan plan);

    void onStep(StepMetrics metrics);

    void onCheckpoint(CheckpointInfo checkpoint);

    void onWarning(String message);

    /** Polled at every step boundary. */
    default Control control() { return Control.CONTINUE; }

    enum Control { CONTINUE, CANCEL, PAUSE }
}
