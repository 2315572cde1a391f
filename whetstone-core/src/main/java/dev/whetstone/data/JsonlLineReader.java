package dev.whetstone.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a JSONL stream into lines without ever holding more than one line: strips a leading UTF-8 byte-order
 * mark, ends lines at LF (a CR before it is dropped), skips blank lines, decodes strict UTF-8, and skips over a
 * line longer than the limit instead of buffering it. Not thread-safe; does not close the stream.
 */
final class JsonlLineReader {
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int INITIAL_LINE_BYTES = 4096;
    /** A buffer grown past this for one long line is dropped afterwards, so a single 32 MiB line does not pin memory. */
    private static final int RETAINED_LINE_BYTES = 1 << 20;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int chunkPos;
    private int chunkEnd;
    private boolean started;
    private byte[] bytes = new byte[INITIAL_LINE_BYTES];
    private int byteCount;
    private long lineBytes;
    private byte lastByte;
    private char[] chars = new char[INITIAL_LINE_BYTES];
    private int charCount;
    private long lineNumber;
    private boolean sawNonBlankLine;

    JsonlLineReader(InputStream in, int maxLineBytes) {
        checkMaxLineBytes(maxLineBytes);
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Moves to the next non-blank line; false at the end of the stream. Its text is {@link #chars()} up to
     * {@link #length()}, valid until the next call.
     *
     * @throws InvalidExampleException for a line that is too long or not UTF-8; the next call continues after it
     */
    boolean advance() throws IOException {
        while (readLine()) {
            if (lineBytes > maxLineBytes) {
                sawNonBlankLine = true;
                throw new InvalidExampleException(lineNumber, null, "the line is " + lineBytes + " bytes long, more than the"
                        + " maximum of " + maxLineBytes + " bytes; shorten or split this example");
            }
            if (isBlank()) continue;
            sawNonBlankLine = true;
            decode();
            return true;
        }
        return false;
    }

    static void checkMaxLineBytes(int maxLineBytes) {
        int limit = TrainingFileValidator.MAX_LINE_BYTES_LIMIT;
        if (maxLineBytes < 1 || maxLineBytes > limit) {
            throw new IllegalArgumentException("maxLineBytes must be between 1 and " + limit + ", got " + maxLineBytes);
        }
    }

    long lineNumber() { return lineNumber; }

    char[] chars() { return chars; }

    int length() { return charCount; }

    /** Whether any line so far held more than whitespace (valid or not). */
    boolean sawNonBlankLine() { return sawNonBlankLine; }

    private boolean readLine() throws IOException {
        startLine();
        boolean any = false;
        while (chunkPos < chunkEnd || fill()) {
            any = true;
            int newline = indexOfNewline();
            keep(chunkPos, newline < 0 ? chunkEnd : newline);
            chunkPos = newline < 0 ? chunkEnd : newline + 1;
            if (newline >= 0) break;
        }
        if (!any) return false;
        lineNumber++;
        if (lastByte == '\r') {
            lineBytes--;
            if (byteCount > 0) byteCount--;
        }
        return true;
    }

    private void startLine() {
        byteCount = 0;
        lineBytes = 0;
        lastByte = 0;
        if (bytes.length > RETAINED_LINE_BYTES) bytes = new byte[INITIAL_LINE_BYTES];
        if (chars.length > RETAINED_LINE_BYTES) chars = new char[INITIAL_LINE_BYTES];
    }

    private boolean fill() throws IOException {
        chunkPos = 0;
        chunkEnd = 0;
        if (!started) {
            started = true;
            chunkEnd = in.readNBytes(chunk, 0, 3);
            boolean bom = chunkEnd == 3 && chunk[0] == (byte) 0xEF && chunk[1] == (byte) 0xBB && chunk[2] == (byte) 0xBF;
            chunkPos = bom ? 3 : 0;
            if (chunkPos < chunkEnd) return true;
        }
        int n;
        do {
            n = in.read(chunk, 0, chunk.length);
        } while (n == 0);
        if (n < 0) return false;
        chunkPos = 0;
        chunkEnd = n;
        return true;
    }

    private int indexOfNewline() {
        for (int i = chunkPos; i < chunkEnd; i++) {
            if (chunk[i] == '\n') return i;
        }
        return -1;
    }

    /**
     * Appends chunk[from, to) to the line, or only counts it once the line is over the limit. One byte more than
     * the limit is kept: it may be the CR of a CRLF line end, which does not count.
     */
    private void keep(int from, int to) {
        int n = to - from;
        if (n == 0) return;
        lineBytes += n;
        lastByte = chunk[to - 1];
        if (lineBytes > maxLineBytes + 1L) {
            byteCount = 0;
            return;
        }
        if (byteCount + n > bytes.length) {
            byte[] grown = new byte[(int) Math.min(maxLineBytes + 1L, Math.max(byteCount + n, 2L * bytes.length))];
            System.arraycopy(bytes, 0, grown, 0, byteCount);
            bytes = grown;
        }
        System.arraycopy(chunk, from, bytes, byteCount, n);
        byteCount += n;
    }

    private boolean isBlank() {
        for (int i = 0; i < byteCount; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') return false;
        }
        return true;
    }

    /** UTF-8 never needs more UTF-16 chars than it has bytes, so a char buffer of byteCount always suffices. */
    private void decode() {
        if (chars.length < byteCount) chars = new char[(int) Math.min(maxLineBytes + 1L, Math.max(byteCount, 2L * chars.length))];
        ByteBuffer source = ByteBuffer.wrap(bytes, 0, byteCount);
        CharBuffer target = CharBuffer.wrap(chars);
        decoder.reset();
        CoderResult result = decoder.decode(source, target, true);
        if (!result.isError()) result = decoder.flush(target);
        if (result.isError()) {
            int at = source.position();
            throw new InvalidExampleException(lineNumber, null, String.format(
                    "the line is not valid UTF-8 (byte 0x%02X at byte %d of the line); save the file with UTF-8 encoding",
                    bytes[at] & 0xFF, at + 1));
        }
        charCount = target.position();
        if (charCount > 0 && chars[0] == '\uFEFF') {
            throw new InvalidExampleException(lineNumber, null, "the line starts with a byte-order mark, which only the"
                    + " start of the file may have; remove it (were files concatenated?)");
        }
    }
}
