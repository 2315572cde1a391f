package dev.whetstone.data;

import dev.whetstone.files.FileValidation;

/**
 * The Files service's validation of fine-tune files: the streaming JSONL validator of this package. Production
 * wiring uses this; unit tests of the HTTP layer pass simpler ones through the same port.
 */
public final class TrainingFileValidation {
    public static final FileValidation JSONL = in -> {
        ValidationReport report = new TrainingFileValidator().validate(in);
        return new FileValidation.Result(report.ok(), report.statistics(), report.ok() ? null : report.summary());
    };

    private TrainingFileValidation() {}
}
