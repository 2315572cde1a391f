package dev.whetstone.engine.inference;

/**
 * A prompt ready for generation.
 *
 * @param tokens the token ids
 * @param text   the text they encode (the rendered chat template for chat prompts), for {@code echo}
 */
public record Prompt(int[] tokens, String text) {
    public Prompt {
        tokens = tokens.clone();
    }

    public int length() { return tokens.length; }
}
