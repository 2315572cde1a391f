package dev.whetstone.engine;

/**
 * Fine-tunes a model. Implemented by the torch engine; the job worker drives it. Runs on the calling
 * thread and returns when training ends (completed, cancelled or paused — see {@link TrainingOutcome}).
 */
public interface Trainer {
    /**
     * The folder of {@link TrainingSpec#workDir()} that holds the run's resume point, complete whenever
     * {@link TrainingListener#onResumePoint} is called; a run finding one there continues from it. The worker stores
     * it so a job resumes on another machine.
     */
    String RESUME_FOLDER = "resume";

    TrainingOutcome train(TrainingSpec spec, TrainingListener listener) throws TrainingException;
}
