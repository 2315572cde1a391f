package dev.whetstone.data.prepare;

import dev.whetstone.data.TrainingFileValidator;
import dev.whetstone.data.ValidationReport;
import dev.whetstone.jobs.TrainingFileRequirements;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the prepared files (UTF-8 with a BOM, one example a line) and judges them with the service's own code:
 * the Files API's validator, then the job-creation requirements. A file passes here exactly when the service would
 * accept it for a job.
 */
public final class PreparedFiles {
    private PreparedFiles() {}

    /**
     * @param file        the written file
     * @param training    true for the training file, false for the validation file
     * @param report      the Files API validator's report on it
     * @param requirement job creation's objection to it, or null
     */
    public record Verdict(Path file, boolean training, ValidationReport report, String requirement) {
        public boolean ok() { return report.ok() && requirement == null; }
    }

    /** Writes the training file and, when the data has a split, the validation file; returns the verdicts. */
    public static List<Verdict> write(Dataset data, Path trainingFile, Path validationFile, ModelTarget model) throws IOException {
        List<List<Draft>> split = Split.apply(data.drafts(), data.validationSplit());
        List<Verdict> verdicts = new ArrayList<>();
        writeLines(split.get(0), trainingFile);
        verdicts.add(judge(trainingFile, true, model));
        if (!split.get(1).isEmpty()) {
            writeLines(split.get(1), validationFile);
            verdicts.add(judge(validationFile, false, model));
        }
        return verdicts;
    }

    /** Written beside the target and moved into place, so a failed run never leaves half a file. */
    private static void writeLines(List<Draft> drafts, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (Writer out = new BufferedWriter(Files.newBufferedWriter(temp, StandardCharsets.UTF_8))) {
                out.write('\uFEFF');
                for (Draft draft : drafts) {
                    out.write(draft.line());
                    out.write('\n');
                }
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The service's verdict on a file: the upload validator, then what job creation asks of it. */
    public static Verdict judge(Path file, boolean training, ModelTarget model) throws IOException {
        ValidationReport report;
        try (InputStream in = Files.newInputStream(file)) {
            report = new TrainingFileValidator().validate(in);
        }
        String param = training ? "training_file" : "validation_file";
        int min = training ? TrainingFileRequirements.MIN_TRAINING_EXAMPLES : TrainingFileRequirements.MIN_VALIDATION_EXAMPLES;
        String label = "The " + (training ? "training" : "validation") + " file";
        String requirement = !report.ok() ? null : model.chat() == null
                ? TrainingFileRequirements.countProblem(report.statistics(), label, param, min)
                : TrainingFileRequirements.problem(report.statistics(), label, param, model.chat(), model.name(), min,
                        "preference".equals(report.statistics().format())); // a preference file is meant for DPO
        return new Verdict(file, training, report, requirement);
    }
}
