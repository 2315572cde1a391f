package dev.whetstone.engine.inference;

import java.util.List;

/**
 * One sampled token.
 *
 * @param id      token id
 * @param text    the text this token releases: "" while a multi-byte character or a possible stop string is
 *                incomplete (held back), then the held text with the token that completes it. Concatenating every
 *                {@code text} of a generation gives exactly its output.
 * @param logprob the chosen token's log-probability (after temperature, before top-p); NaN when not requested
 * @param top     the most likely alternatives (empty unless requested), most likely first
 */
public record GeneratedToken(int id, String text, double logprob, List<TokenLogprob> top) {
    public GeneratedToken {
        top = List.copyOf(top);
    }
}
