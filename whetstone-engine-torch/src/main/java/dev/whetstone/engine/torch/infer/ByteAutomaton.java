package dev.whetstone.engine.torch.infer;

/**
 * A byte-at-a-time recogniser that a {@link JsonConstraint} masks tokens with: which bytes may come next, and
 * whether the text so far is complete. {@link #copyFrom} must not allocate much: the mask calls it once per
 * vocabulary token per generated token.
 */
interface ByteAutomaton<A extends ByteAutomaton<A>> {
    /** Becomes a copy of {@code other}'s state. */
    void copyFrom(A other);

    /** Feeds {@code bytes}; false (the state then undefined) when one of them cannot follow. */
    boolean accept(byte[] bytes);

    /** Whether the bytes so far are a complete document (only the end may follow). */
    boolean complete();
}
