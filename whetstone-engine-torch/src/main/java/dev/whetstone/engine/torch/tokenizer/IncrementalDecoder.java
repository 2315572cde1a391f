package dev.whetstone.engine.torch.tokenizer;

import java.util.Arrays;

/**
 * Turns generated token ids, fed one at a time, into text pieces for streaming, never emitting half a character.
 *
 * <p>One token can hold part of a multi-byte UTF-8 character (byte-level BPE splits emoji and CJK across tokens).
 * Each {@link #add} decodes a short window: the tokens already emitted since the previous piece (for context,
 * because decoders such as SentencePiece's drop a leading space at the start of a text) plus the new ones; while
 * that text ends in U+FFFD the character is incomplete and nothing is emitted. Not thread-safe: one per sequence.
 */
public final class IncrementalDecoder {
    private static final char REPLACEMENT = '\uFFFD';

    private final HfTokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private int[] ids = new int[64];
    private int size;
    private int prefixOffset;
    private int readOffset;

    IncrementalDecoder(HfTokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one id; returns the text it completes, or {@code ""} while a character is still incomplete. */
    public String add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String before = decode(prefixOffset, readOffset);
        String after = decode(prefixOffset, size);
        if (after.length() <= before.length() || after.charAt(after.length() - 1) == REPLACEMENT) {
            return "";
        }
        prefixOffset = readOffset;
        readOffset = size;
        return after.substring(before.length());
    }

    /** The text still held back at the end of generation (an incomplete character decodes to U+FFFD). */
    public String flush() {
        String before = decode(prefixOffset, readOffset);
        String after = decode(prefixOffset, size);
        prefixOffset = readOffset = size;
        return after.length() > before.length() ? after.substring(before.length()) : "";
    }

    /** All ids added so far. */
    public int[] ids() {
        return Arrays.copyOf(ids, size);
    }

    private String decode(int from, int to) {
        return from == to ? "" : tokenizer.decode(Arrays.copyOfRange(ids, from, to), skipSpecialTokens);
    }
}
