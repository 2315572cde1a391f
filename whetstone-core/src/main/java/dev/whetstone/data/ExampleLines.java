package dev.whetstone.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * The examples of a JSONL stream in order, with the file-level rule that every line uses the format of the
 * first valid one. Shared by the validator (which reports every bad line) and the reader (which stops at one).
 */
final class ExampleLines {
    private final JsonlLineReader lines;
    private final TrainingExampleParser parser = new TrainingExampleParser();
    private ExampleFormat format;
    private long formatLine;

    ExampleLines(InputStream in, int maxLineBytes) {
        this.lines = new JsonlLineReader(in, maxLineBytes);
    }

    /**
     * The next example, or null at the end of the stream.
     *
     * @throws InvalidExampleException for a bad line, carrying its line number; the next call continues after it
     */
    TrainingExample next() throws IOException {
        if (!lines.advance()) return null;
        long line = lines.lineNumber();
        TrainingExample example;
        try {
            example = parser.parse(lines.chars(), 0, lines.length());
        } catch (InvalidExampleException e) {
            throw e.atLine(line);
        }
        ExampleFormat lineFormat = ExampleFormat.of(example);
        if (format == null) {
            format = lineFormat;
            formatLine = line;
        } else if (format != lineFormat) {
            throw new InvalidExampleException(line, null, "this line uses the " + lineFormat.wireName() + " format but the file"
                    + " uses the " + format.wireName() + " format (from line " + formatLine + "); use one format per file");
        }
        return example;
    }

    /** The 1-based number of the line {@link #next} read last. */
    long line() { return lines.lineNumber(); }

    /** The format of the first valid example; null while there is none. */
    ExampleFormat format() { return format; }

    boolean sawNonBlankLine() { return lines.sawNonBlankLine(); }
}
