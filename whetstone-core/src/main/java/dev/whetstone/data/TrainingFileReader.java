package dev.whetstone.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the examples of a training file that {@link TrainingFileValidator} has accepted, with the same rules,
 * so the trainer sees exactly what was validated. Stops at the first bad line.
 */
public final class TrainingFileReader {
    private TrainingFileReader() {}

    /**
     * All examples in file order. The caller closes the stream.
     *
     * @throws InvalidExampleException at the first bad line (with its line number), or when there is no example
     */
    public static List<TrainingExample> readAll(InputStream in) throws IOException {
        return readAll(in, TrainingFileValidator.DEFAULT_MAX_LINE_BYTES);
    }

    public static List<TrainingExample> readAll(InputStream in, int maxLineBytes) throws IOException {
        ExampleLines lines = new ExampleLines(in, maxLineBytes);
        List<TrainingExample> examples = new ArrayList<>();
        for (TrainingExample example = lines.next(); example != null; example = lines.next()) {
            examples.add(example);
        }
        if (examples.isEmpty()) throw new InvalidExampleException(0, null, TrainingFileValidator.NO_EXAMPLES);
        return examples;
    }
}
