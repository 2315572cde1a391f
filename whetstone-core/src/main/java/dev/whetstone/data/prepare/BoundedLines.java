package dev.whetstone.data.prepare;

import java.io.IOException;
import java.io.Reader;

/** Lines of a reader (split at \n, a trailing \r dropped), refusing any line past a length limit before holding it. */
final class BoundedLines {
    static final class TooLongException extends IOException {
        TooLongException() { super("line too long"); }
    }

    private final Reader reader;
    private final int maxChars;
    private final char[] buffer = new char[1 << 14];
    private int position;
    private int limit;

    BoundedLines(Reader reader, int maxChars) {
        this.reader = reader;
        this.maxChars = maxChars;
    }

    /** The next line, or null at the end. */
    String next() throws IOException {
        StringBuilder line = new StringBuilder();
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = reader.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? strip(line) : null;
                }
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') position++;
            if (line.length() + (position - start) > maxChars) throw new TooLongException();
            line.append(buffer, start, position - start);
            if (position < limit) {
                position++;
                return strip(line);
            }
        }
    }

    private static String strip(StringBuilder line) {
        int n = line.length();
        return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
    }
}
