package dev.whetstone.worker;

import dev.whetstone.data.TrainingExample;
import dev.whetstone.data.TrainingFileReader;
import dev.whetstone.files.FileService;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** A training or validation file's examples, parsed, so the worker never reads JSON itself. */
@FunctionalInterface
public interface TrainingData {
    /** The examples of a processed fine-tune file, in file order. */
    List<TrainingExample> read(String fileId) throws IOException;

    /** Parses a whole JSONL stream (the data package's reader; it strips a BOM and names bad lines). */
    @FunctionalInterface
    interface ExampleReader {
        List<TrainingExample> readAll(InputStream jsonl) throws IOException;
    }

    /** Reads stored files with the JSONL reader that matches the files' validation (TrainingFileReader). */
    static TrainingData fromFiles(FileService files) {
        return fromFiles(files, TrainingFileReader::readAll);
    }

    /** Reads stored files' content through {@code reader} (tests pass simpler readers). */
    static TrainingData fromFiles(FileService files, ExampleReader reader) {
        return fileId -> {
            try (InputStream in = files.content(fileId)) {
                return reader.readAll(in);
            }
        };
    }
}
