package dev.whetstone.engine.inference;

/** The engine's waiting queue is full; the API answers 429 with a retry-after. */
public class EngineBusyException extends InferenceException {
    public EngineBusyException(String message) {
        super(message);
    }
}
