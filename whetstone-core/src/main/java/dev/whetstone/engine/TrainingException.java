package dev.whetstone.engine;

/** Training could not run or finish; the message is shown to the user in the job's error and events. */
public class TrainingException extends Exception {
    private final String param;

    public TrainingException(String message, String param, Throwable cause) {
        super(message, cause);
        this.param = param;
    }

    public TrainingException(String message) {
        this(message, null, null);
    }

    /** The job field the failure is about (e.g. "training_file"), or null. */
    public String param() { return param; }
}
