package dev.whetstone.engine;

/**
 * Fine-tunes a model. Implemented by the torch engine; the job worker drives it. Runs on the calling
 * thread and returns when training ends (completed, cancelled or paused — see {@link TrainingOutcome}).
 */
public interface Trainer {
    TrainingOutcome train(TrainingSpec spec, TrainingListener listener) throws TrainingException;
}
