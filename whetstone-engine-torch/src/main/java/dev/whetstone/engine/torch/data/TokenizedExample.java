package dev.whetstone.engine.torch.data;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One training example as tokens.
 *
 * @param inputIds  token ids, (seq)
 * @param lossMask  true where the token is a training target (assistant/completion tokens), (seq)
 * @param truncated whether the example was cut to the context length
 * @param rejected  for a preference pair (DPO): the conversation ending in the non-preferred reply, this example
 *                  being the one ending in the preferred reply; null for supervised examples
 * @param images    the image frames whose features replace the image tokens, in order (vision-language models);
 *                  null without images
 * @param item      for a reinforcement prompt (the conversation rendered up to the assistant's turn, nothing
 *                  trained): the file's line, which the grader reads as {@code item}; null otherwise
 */
public record TokenizedExample(int[] inputIds, boolean[] lossMask, boolean truncated, TokenizedExample rejected,
                               ImageFrames images, ObjectNode item) {
    public TokenizedExample {
        if (inputIds.length != lossMask.length) {
            throw new IllegalArgumentException("inputIds and lossMask differ in length: "
                    + inputIds.length + " vs " + lossMask.length);
        }
    }

    public TokenizedExample(int[] inputIds, boolean[] lossMask, boolean truncated, TokenizedExample rejected) {
        this(inputIds, lossMask, truncated, rejected, null, null);
    }

    public TokenizedExample(int[] inputIds, boolean[] lossMask, boolean truncated) {
        this(inputIds, lossMask, truncated, null, null, null);
    }

    /** This example with the frames of its images. */
    public TokenizedExample withImages(ImageFrames frames) {
        return new TokenizedExample(inputIds, lossMask, truncated, rejected, frames, item);
    }

    /** A reinforcement prompt: its tokens (nothing trained) and its line for the grader. */
    public static TokenizedExample prompt(int[] inputIds, boolean truncated, ObjectNode item) {
        return new TokenizedExample(inputIds, new boolean[inputIds.length], truncated, null, null, item);
    }

    /** A preference pair from its preferred and non-preferred sequences. */
    public static TokenizedExample pair(TokenizedExample preferred, TokenizedExample rejected) {
        return new TokenizedExample(preferred.inputIds(), preferred.lossMask(), preferred.truncated(), rejected);
    }

    /** Tokens of this sequence (the preferred one of a pair). */
    public int length() { return inputIds.length; }

    /** Tokens read to train on this example: both sequences of a pair. */
    public int tokens() { return length() + (rejected == null ? 0 : rejected.length()); }

    /** Whether this or, for a pair, either sequence was cut to the context length. */
    public boolean anyTruncated() { return truncated || (rejected != null && rejected.truncated()); }
}
