package dev.whetstone.data;

import dev.whetstone.data.image.ImageLoader;
import dev.whetstone.files.FileStatistics;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates a fine-tuning JSONL file while streaming it: memory stays bounded by one line (at most
 * {@code maxLineBytes}, plus its parsed form) whatever the file size. Rules per line are those of
 * {@link TrainingExampleParser}; per file: a leading UTF-8 BOM is stripped, blank lines are skipped, every line is
 * strict UTF-8 and at most {@code maxLineBytes} long, all examples use the format of the first valid one, and the
 * file holds at least one non-blank line. How many examples a job needs is checked at job creation, not here.
 * With an {@link ImageLoader}, every image part is loaded (fetched and decoded) and a bad one reported with its
 * line, message and part ({@link TrainingImageChecks}); without one, images are only counted.
 *
 * <p>Malformed content never throws: it ends up in the report. Only the stream's own I/O failures are thrown.
 * Thread-safe; the caller closes the stream.
 */
public final class TrainingFileValidator {
    public static final int DEFAULT_MAX_LINE_BYTES = 32 << 20;
    public static final int DEFAULT_MAX_REPORTED_ERRORS = 10;
    /** A line is held in one array (bytes, then chars): stay clear of the JVM's array size limit. */
    public static final int MAX_LINE_BYTES_LIMIT = 1 << 30;
    static final String NO_EXAMPLES = "The file contains no examples.";

    private final int maxLineBytes;
    private final int maxReportedErrors;
    private final ImageLoader images;

    /** Checks images' shape only (prepare-data's offline check, tests). */
    public TrainingFileValidator() {
        this(DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_REPORTED_ERRORS);
    }

    /** @param images loads each image part to check it (the service's {@code UrlImageLoader}); null to only count */
    public TrainingFileValidator(ImageLoader images) {
        this(DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_REPORTED_ERRORS, images);
    }

    public TrainingFileValidator(int maxLineBytes, int maxReportedErrors) {
        this(maxLineBytes, maxReportedErrors, null);
    }

    /**
     * @param maxLineBytes      longest accepted line in bytes, without its line end
     * @param maxReportedErrors errors kept in the report; later ones are only counted
     * @param images            loads each image part to check it; null to only count images
     */
    public TrainingFileValidator(int maxLineBytes, int maxReportedErrors, ImageLoader images) {
        JsonlLineReader.checkMaxLineBytes(maxLineBytes);
        if (maxReportedErrors < 1) throw new IllegalArgumentException("maxReportedErrors must be positive, got " + maxReportedErrors);
        this.maxLineBytes = maxLineBytes;
        this.maxReportedErrors = maxReportedErrors;
        this.images = images;
    }

    public ValidationReport validate(InputStream in) throws IOException {
        ExampleLines lines = new ExampleLines(in, maxLineBytes);
        Tally tally = new Tally(maxReportedErrors);
        TrainingImageChecks imageChecks = new TrainingImageChecks(images);
        while (true) {
            try {
                TrainingExample example = lines.next();
                if (example == null) break;
                List<LineError> imageErrors = imageChecks.check(lines.line(), example);
                if (imageErrors.isEmpty()) {
                    tally.example(example);
                    imageChecks.count(lines.line(), example);
                } else {
                    imageErrors.forEach(tally::error);
                }
            } catch (InvalidExampleException e) {
                tally.error(e.toLineError());
            }
        }
        if (!lines.sawNonBlankLine()) tally.error(LineError.wholeFile(NO_EXAMPLES));
        String format = lines.format() == null ? null : lines.format().wireName();
        FileStatistics statistics = new FileStatistics(format, tally.examples, tally.tokens, imageChecks.imageParts(),
                imageChecks.firstImageLine());
        return new ValidationReport(tally.totalErrors == 0, statistics, tally.errors, tally.totalErrors);
    }

    private static final class Tally {
        private final int maxErrors;
        private final List<LineError> errors = new ArrayList<>();
        private long totalErrors;
        private long examples;
        private long tokens;

        Tally(int maxErrors) { this.maxErrors = maxErrors; }

        void example(TrainingExample example) {
            examples++;
            tokens += TokenEstimate.of(example);
        }

        void error(LineError error) {
            totalErrors++;
            if (errors.size() < maxErrors) errors.add(error);
        }
    }
}
