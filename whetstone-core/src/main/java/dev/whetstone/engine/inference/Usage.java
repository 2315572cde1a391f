package dev.whetstone.engine.inference;

/** Tokens consumed by one generation. */
public record Usage(int promptTokens, int completionTokens) {
    public int totalTokens() { return promptTokens + completionTokens; }
}
