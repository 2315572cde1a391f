package dev.whetstone.engine.torch.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level alphabet, the one Hugging Face's {@code ByteLevel} pre-tokenizer and decoder use: every byte
 * is one printable character (printable ASCII and Latin-1 map to themselves, the others to U+0100 onwards), so
 * any UTF-8 text is spelled with 256 symbols and nothing is ever unknown.
 */
public final class ByteLevel {
    /** The split {@code ByteLevel(use_regex=true)} applies before mapping bytes: words keep their leading space. */
    static final Pattern SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private static final char[] BYTE_TO_CHAR = alphabet();
    private static final java.util.Map<Character, Integer> CHAR_TO_BYTE = inverse();

    private ByteLevel() {}

    /** The character standing for byte {@code b} (0–255). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b];
    }

    /** The pieces {@code text} is split into, each spelled in the byte-level alphabet. */
    public static List<String> preTokenize(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            pieces.add(spell(m.group()));
        }
        return pieces;
    }

    static String spell(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            out.append(BYTE_TO_CHAR[b & 0xff]);
        }
        return out.toString();
    }

    /** The bytes a byte-level spelling stands for, or null when {@code spelled} has a character outside the alphabet. */
    static byte[] bytes(String spelled) {
        byte[] out = new byte[spelled.length()];
        for (int i = 0; i < out.length; i++) {
            int b = CHAR_TO_BYTE.getOrDefault(spelled.charAt(i), -1);
            if (b < 0) {
                return null;
            }
            out[i] = (byte) b;
        }
        return out;
    }

    private static java.util.Map<Character, Integer> inverse() {
        java.util.Map<Character, Integer> m = new java.util.HashMap<>();
        for (int b = 0; b < 256; b++) {
            m.put(BYTE_TO_CHAR[b], b);
        }
        return m;
    }

    private static char[] alphabet() {
        char[] map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) next++;
        }
        return map;
    }
}
