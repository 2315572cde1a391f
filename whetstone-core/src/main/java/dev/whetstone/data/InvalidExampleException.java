package dev.whetstone.data;

/**
 * A training example (one JSONL line) that breaks a format rule. {@link #field()} is the path of the offending
 * field, such as {@code messages[2].weight}, or null when the line as a whole is wrong (not JSON, not UTF-8).
 */
public final class InvalidExampleException extends RuntimeException {
    private final long line;
    private final String field;
    private final String reason;

    /** A problem in a line whose number is not known (the parser sees one line at a time). */
    public InvalidExampleException(String field, String reason) {
        this(0, field, reason);
    }

    InvalidExampleException(long line, String field, String reason) {
        super(LineError.render(line, field, reason));
        this.line = line;
        this.field = field;
        this.reason = reason;
    }

    /** 1-based line number in the file; 0 when unknown or when the problem concerns the whole file. */
    public long line() { return line; }

    public String field() { return field; }

    /** The message without line and field. */
    public String reason() { return reason; }

    public LineError toLineError() {
        return new LineError(line, field, reason);
    }

    InvalidExampleException atLine(long lineNumber) {
        InvalidExampleException located = new InvalidExampleException(lineNumber, field, reason);
        located.setStackTrace(getStackTrace());
        return located;
    }
}
