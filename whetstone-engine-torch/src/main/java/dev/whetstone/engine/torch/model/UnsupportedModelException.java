package dev.whetstone.engine.torch.model;

/** The checkpoint uses an architecture or an option this engine does not implement; the message says which. */
public class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) { super(message); }
}
