package dev.whetstone.engine.inference;

/** The engine could not load or run a model; the message is meant for the operator or the client. */
public class InferenceException extends RuntimeException {
    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
