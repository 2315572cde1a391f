package dev.whetstone.engine.inference;

/** Why a generation ended. */
public enum FinishReason {
    /** The model's end-of-sequence token, or a stop string. */
    STOP,
    /** {@code maxTokens} reached, or the context is full. */
    LENGTH,
    /** {@link Generation#cancel()} was called. */
    CANCELLED;

    /** The API's {@code finish_reason}. */
    public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
