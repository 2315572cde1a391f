package dev.whetstone.engine.inference;

/** The request cannot be served as given (the API answers 400); the message says what to change. */
public class InvalidPromptException extends InferenceException {
    public InvalidPromptException(String message) {
        super(message);
    }
}
