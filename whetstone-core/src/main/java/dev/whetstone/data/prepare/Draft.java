package dev.whetstone.data.prepare;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.data.InvalidExampleException;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.data.TrainingExampleParser;

/**
 * One output line in the making: its JSON (which fixes edit in place) and what the service's parser makes of it,
 * an example or the reason it is not one. {@link #reparse()} after every edit keeps the two in step.
 */
public final class Draft {
    private static final TrainingExampleParser PARSER = new TrainingExampleParser();

    private final long row;
    private final ObjectNode json;
    private TrainingExample example;
    private InvalidExampleException problem;
    private long tokens = -1;

    Draft(long row, ObjectNode json) {
        this.row = row;
        this.json = json;
        reparse();
    }

    /** The record's number in the input (see {@link SourceRecord#number()}). */
    public long row() { return row; }

    public ObjectNode json() { return json; }

    /** The parsed example; null when the line is not valid (then {@link #problem()} says why). */
    public TrainingExample example() { return example; }

    public InvalidExampleException problem() { return problem; }

    /** The line as written to the output file. */
    public String line() { return json.toString(); }

    void reparse() {
        tokens = -1;
        try {
            example = PARSER.parse(line());
            problem = null;
        } catch (InvalidExampleException e) {
            example = null;
            problem = e;
        }
    }

    /** Token count cached by {@link LongExamples}; -1 when not counted since the last edit. */
    long tokens() { return tokens; }

    void tokens(long count) { tokens = count; }
}
