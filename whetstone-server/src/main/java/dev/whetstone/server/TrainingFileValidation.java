package dev.whetstone.server;

import dev.whetstone.data.TrainingFileValidator;
import dev.whetstone.data.ValidationReport;
import dev.whetstone.files.FileValidation;

/** The Files service's validation port, answered by the streaming JSONL validator of the data package. */
final class TrainingFileValidation {
    static final FileValidation INSTANCE = in -> {
        ValidationReport report = new TrainingFileValidator().validate(in);
        return new FileValidation.Result(report.ok(), report.statistics(), report.ok() ? null : report.summary());
    };

    private TrainingFileValidation() {}
}
