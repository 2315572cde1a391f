package dev.whetstone.data.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes strict UTF-8 and counts the lines it has decoded, so a bad byte is reported at its own line even when
 * the consumer (a CSV or JSON parser) reads far ahead of what it has parsed.
 */
final class StrictUtf8Reader extends Reader {
    /** A byte sequence that is not UTF-8, with the 1-based line it is on. */
    static final class NotUtf8Exception extends CharacterCodingException {
        final long line;

        NotUtf8Exception(long line) { this.line = line; }

        @Override public String getMessage() { return "not UTF-8 on line " + line; }
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private boolean eof;
    private long line = 1;

    StrictUtf8Reader(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) return 0;
        CharBuffer out = CharBuffer.wrap(buffer, offset, length);
        while (out.position() == offset) {
            if (!bytes.hasRemaining() || needsMore()) {
                if (eof) return finish(out, offset);
                fill();
            }
            CoderResult result = decoder.decode(bytes, out, eof);
            if (result.isError()) {
                countLines(buffer, offset, out.position());
                throw new NotUtf8Exception(line);
            }
            if (result.isUnderflow() && eof && !bytes.hasRemaining()) return finish(out, offset);
        }
        countLines(buffer, offset, out.position());
        return out.position() - offset;
    }

    /** True when the remaining bytes are only the start of a multi-byte character. */
    private boolean needsMore() {
        return bytes.remaining() < 4 && !eof;
    }

    private void fill() throws IOException {
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) eof = true;
        else bytes.position(bytes.position() + n);
        bytes.flip();
    }

    private int finish(CharBuffer out, int offset) throws IOException {
        CoderResult result = decoder.decode(bytes, out, true);
        if (result.isError()) throw new NotUtf8Exception(line);
        decoder.flush(out);
        int n = out.position() - offset;
        return n == 0 ? -1 : n;
    }

    private void countLines(char[] buffer, int from, int to) {
        for (int i = from; i < to; i++) if (buffer[i] == '\n') line++;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
