package dev.whetstone.engine.inference;

import dev.whetstone.data.image.ImageInput;
import java.util.List;

/**
 * A prompt ready for generation.
 *
 * @param tokens the token ids (for a vision prompt, the image placeholders already expanded to image tokens)
 * @param text   the text they encode (the rendered chat template for chat prompts), for {@code echo}
 * @param images the decoded images the prompt's image tokens stand for, in order; empty for a text prompt
 */
public record Prompt(int[] tokens, String text, List<ImageInput> images) {
    public Prompt {
        tokens = tokens.clone();
        images = List.copyOf(images);
    }

    /** A text prompt. */
    public Prompt(int[] tokens, String text) {
        this(tokens, text, List.of());
    }

    public int length() { return tokens.length; }
}
