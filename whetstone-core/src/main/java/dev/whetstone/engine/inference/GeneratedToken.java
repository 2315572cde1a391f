package dev.whetstone.engine.inference;

import java.nio.charset.StandardCharsets;
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
 * @param bytes   the token's own raw bytes, which may be part of a character (byte-level BPE splits emoji and CJK
 *                across tokens); concatenated over a generation they are its output's UTF-8 bytes
 */
public record GeneratedToken(int id, String text, double logprob, List<TokenLogprob> top, byte[] bytes) {
    public GeneratedToken {
        top = List.copyOf(top);
    }

    /** A token whose own bytes are exactly the text it releases (engines whose tokens are whole characters). */
    public GeneratedToken(int id, String text, double logprob, List<TokenLogprob> top) {
        this(id, text, logprob, top, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The token's own text as the API reports it ({@link TokenLogprob#render}). */
    public String token() {
        return TokenLogprob.render(bytes);
    }
}
