package dev.whetstone.engine.inference;

/** A queued or running generation. */
public interface Generation {
    /**
     * Stops it at the next step (a client went away or timed out) and frees its slot and cache; the listener gets
     * {@link GenerationListener#onComplete} with {@link FinishReason#CANCELLED}. Idempotent.
     */
    void cancel();
}
