package dev.whetstone.data;

import dev.whetstone.data.image.ImageLoader;
import dev.whetstone.files.FileValidation;

/**
 * The Files service's validation of fine-tune files: the streaming JSONL validator of this package. Production
 * wiring uses {@link #jsonl(ImageLoader)} with the service's image loader; unit tests of the HTTP layer pass simpler
 * ones through the same port.
 */
public final class TrainingFileValidation {
    /** Lines and image shapes only: images are counted, not fetched or decoded. */
    public static final FileValidation JSONL = jsonl(null);

    /** Lines, and every image part loaded through {@code images} (null: counted only). */
    public static FileValidation jsonl(ImageLoader images) {
        return in -> {
            ValidationReport report = new TrainingFileValidator(images).validate(in);
            return new FileValidation.Result(report.ok(), report.statistics(), report.ok() ? null : report.summary());
        };
    }

    private TrainingFileValidation() {}
}
