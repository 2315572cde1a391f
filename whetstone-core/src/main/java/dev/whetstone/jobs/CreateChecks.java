package dev.whetstone.jobs;

import dev.whetstone.data.TrainingFileValidator;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.files.FilePurpose;
import dev.whetstone.files.FileRecord;
import dev.whetstone.files.FileService;
import dev.whetstone.files.FileStatistics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/** The checks of a create-job request (docs/reference/API.md 3.2, 3.3); each failure names the offending field. */
final class CreateChecks {
    static final int MIN_TRAINING_EXAMPLES = TrainingFileRequirements.MIN_TRAINING_EXAMPLES;
    static final long MAX_SEED = Integer.MAX_VALUE;
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9_-]{1,40}");

    private final FileService files;

    CreateChecks(FileService files) {
        this.files = files;
    }

    /** A fine-tune file that is processed and in the format the model and method train on. */
    FileRecord trainingFile(String id, String param, ResolvedModel model, int minExamples, MetricsRow.Kind method) {
        if (id == null || id.isBlank()) throw ApiException.invalid(param, "The '" + param + "' field must be a file id.");
        FileRecord file = find(id, param);
        if (file.purpose() != FilePurpose.FINE_TUNE) {
            throw ApiException.invalid(param, "File '" + id + "' has purpose '" + file.purpose().wireName()
                    + "'; " + param + " needs a file uploaded with purpose 'fine-tune'.");
        }
        switch (file.status()) {
            case PENDING, RUNNING -> throw new ApiException(ErrorCode.UNEXPECTED_ENTITY_STATE, "File '" + id
                    + "' is still being validated (status " + file.status().wireName()
                    + "); create the job once its status is 'processed'.", param);
            case ERROR -> throw ApiException.invalid(param, "File '" + id + "' failed validation: "
                    + file.statusDetails() + " Fix the file and upload it again.");
            case DELETED -> throw ApiException.invalid(param, "File '" + id + "' was deleted.");
            case PROCESSED -> { }
        }
        checkContent(file, param, model, minExamples, method);
        return file;
    }

    private FileRecord find(String id, String param) {
        try {
            return files.get(id);
        } catch (ApiException e) {
            if (e.code() != ErrorCode.NOT_FOUND) throw e;
            throw ApiException.invalid(param, "File '" + id + "' was not found; upload it with purpose 'fine-tune' "
                    + "and pass the id the upload returned.");
        }
    }

    /** Uses the validator's statistics; a file validated without statistics is left to the trainer to judge. */
    private void checkContent(FileRecord file, String param, ResolvedModel model, int minExamples,
                              MetricsRow.Kind method) {
        FileStatistics stats = file.statistics();
        if (stats == null) return;
        String problem = TrainingFileRequirements.problem(stats, "File '" + file.id() + "'", param, model.base().chat(),
                model.name(), minExamples, method);
        if (problem != null) throw ApiException.invalid(param, problem);
        if (!model.base().vision()) imagesForATextModel(file, stats, param, model);
    }

    /**
     * Never silent: images in the data of a model that cannot see them would be dropped at training time, so the
     * job is refused, naming the model, the file and the first line with an image. Files validated before images
     * were counted are read once here to find out.
     */
    private void imagesForATextModel(FileRecord file, FileStatistics stats, String param, ResolvedModel model) {
        Long firstImageLine = stats.hasImages() == null ? countImages(file).firstImageLine() : stats.firstImageLine();
        if (firstImageLine == null) return;
        throw ApiException.invalid(param, "File '" + file.id() + "' (" + param + ") has image content parts, the"
                + " first on line " + firstImageLine + ", but model '" + model.name() + "' cannot see images (it has no"
                + " vision encoder), so they would be ignored. Choose a vision base model (its capabilities.vision is"
                + " true in GET /models) or remove the image parts.");
    }

    private FileStatistics countImages(FileRecord file) {
        try (InputStream in = files.content(file.id())) {
            return new TrainingFileValidator().validate(in).statistics();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read file " + file.id() + " to count its images", e);
        }
    }

    /** Null or empty means no suffix. */
    static String suffix(String suffix) {
        if (suffix == null || suffix.isEmpty()) return null;
        if (!SUFFIX.matcher(suffix).matches()) {
            throw ApiException.invalid("suffix", "The suffix '" + suffix + "' must have 1 to 40 characters from "
                    + "A-Z, a-z, 0-9, '-' and '_'.");
        }
        return suffix;
    }

    static TrainingSpec.Hyperparameters hyperparameters(TrainingSpec.Hyperparameters h) {
        if (h == null) return TrainingSpec.Hyperparameters.auto();
        range(h.nEpochs(), 1, 50, "n_epochs");
        range(h.batchSize(), 1, 256, "batch_size");
        Double lr = h.learningRateMultiplier();
        if (lr != null && !(lr > 0 && lr <= 10)) {
            throw ApiException.invalid("hyperparameters.learning_rate_multiplier", "learning_rate_multiplier must be"
                    + " greater than 0 and at most 10 (suggested 0.02 to 0.2), or \"auto\"; got " + lr + ".");
        }
        if (h.dpo() != null) dpo(h.dpo());
        return h;
    }

    private static void dpo(TrainingSpec.Dpo dpo) {
        Double beta = dpo.beta();
        if (beta != null && !(beta > 0 && beta <= 2)) {
            throw ApiException.invalid("hyperparameters.beta", "beta must be greater than 0 and at most 2 (0.1 is"
                    + " usual: larger keeps the model closer to where it started), or \"auto\"; got " + beta + ".");
        }
        Double l2 = dpo.l2Multiplier();
        if (l2 != null && !(l2 >= 0)) {
            throw ApiException.invalid("hyperparameters.l2_multiplier", "l2_multiplier must be a number of at least"
                    + " 0, or \"auto\"; got " + l2 + ".");
        }
        if (l2 != null && l2 > 0) {
            throw ApiException.invalid("hyperparameters.l2_multiplier", "l2_multiplier greater than 0 is not supported"
                    + " by this service (DPO's distance from the reference model is set by beta); use 0 or \"auto\".");
        }
    }

    private static void range(Integer value, int min, int max, String name) {
        if (value != null && (value < min || value > max)) {
            throw ApiException.invalid("hyperparameters." + name, name + " must be an integer from " + min + " to "
                    + max + ", or \"auto\"; got " + value + ".");
        }
    }

    static long seed(Long seed) {
        if (seed == null) return java.util.concurrent.ThreadLocalRandom.current().nextLong(MAX_SEED + 1);
        if (seed < 0 || seed > MAX_SEED) {
            throw ApiException.invalid("seed", "seed must be an integer from 0 to " + MAX_SEED + "; got " + seed + ".");
        }
        return seed;
    }
}
