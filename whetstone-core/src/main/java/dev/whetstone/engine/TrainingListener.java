package dev.whetstone.engine;

/** Receives a run's progress live, and tells the trainer at each step boundary whether to go on. */
public interface TrainingListener {
    void onPlan(TrainingPlan plan);

    void onStep(StepMetrics metrics);

    void onCheckpoint(CheckpointInfo checkpoint);

    void onWarning(String message);

    /**
     * A complete resume point is now in {@code dir} ({@code workDir/}{@link Trainer#RESUME_FOLDER}): a run started
     * from it continues after step {@code stepsDone}. Called after the checkpoint of the same step, if any.
     */
    default void onResumePoint(java.nio.file.Path dir, int stepsDone) {}

    /** Polled at every step boundary. */
    default Control control() { return Control.CONTINUE; }

    enum Control { CONTINUE, CANCEL, PAUSE }
}
