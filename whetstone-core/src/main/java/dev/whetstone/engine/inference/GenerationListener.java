package dev.whetstone.engine.inference;

/**
 * Receives one generation's output, on an engine thread: keep it short (hand off to the client's stream, do not
 * block on slow clients). Exactly one of {@link #onComplete} or {@link #onError} ends every generation.
 */
public interface GenerationListener {
    /** One sampled token. */
    void onToken(GeneratedToken token);

    void onComplete(FinishReason reason, Usage usage);

    void onError(InferenceException error);
}
