package dev.whetstone.engine.inference;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A token's log-probability as the API reports it.
 *
 * @param token   the token's text as OpenAI renders it ({@link #render}): its UTF-8 text, or {@code bytes:\xNN...}
 *                when its bytes are not whole UTF-8 characters
 * @param bytes   the token's own raw bytes (part of a character for a token that splits one)
 */
public record TokenLogprob(int id, String token, byte[] bytes, double logprob) {

    /**
     * The {@code token} text for {@code bytes}: the UTF-8 text when the bytes are valid UTF-8; otherwise, as OpenAI
     * does for tokens that split a character, {@code "bytes:"} followed by the bytes in Python's escape style
     * (printable ASCII as itself, a backslash doubled, every other byte {@code \xNN} in lower-case hex). Distinct
     * partial tokens so get distinct texts (the completions API keys {@code top_logprobs} by them) instead of all
     * becoming U+FFFD.
     */
    public static String render(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException partial) {
            StringBuilder out = new StringBuilder("bytes:");
            for (byte b : bytes) {
                int u = b & 0xff;
                if (u == '\\') out.append("\\\\");
                else if (u >= 0x20 && u < 0x7f) out.append((char) u);
                else out.append(String.format("\\x%02x", u));
            }
            return out.toString();
        }
    }
}
