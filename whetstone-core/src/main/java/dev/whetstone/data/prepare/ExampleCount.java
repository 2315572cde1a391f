package dev.whetstone.data.prepare;

import dev.whetstone.jobs.TrainingFileRequirements;
import java.util.List;

/**
 * Enough examples: the service refuses a training file with fewer than ten; with fewer than about a hundred,
 * fine-tuning rarely beats a good prompt.
 */
final class ExampleCount implements Analysis {
    static final int RECOMMENDED = 100;

    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        int total = data.drafts().size();
        int training = total - Split.validationCount(total, data.validationSplit());
        String where = data.validationSplit() == null ? "" : " (after the validation split)";
        if (training < TrainingFileRequirements.MIN_TRAINING_EXAMPLES) {
            return List.of(Finding.of("example-count", Severity.ERROR, "The training file would have " + training
                    + " examples" + where + "; the service needs at least " + TrainingFileRequirements.MIN_TRAINING_EXAMPLES
                    + ". Add examples."));
        }
        if (training < RECOMMENDED) {
            return List.of(Finding.of("example-count", Severity.WARNING, "The training file has " + training
                    + " examples" + where + "; results usually improve clearly with " + RECOMMENDED + " or more."));
        }
        return List.of();
    }
}
