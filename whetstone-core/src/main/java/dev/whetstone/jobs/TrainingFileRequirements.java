package dev.whetstone.jobs;

import dev.whetstone.files.FileStatistics;

/**
 * What job creation asks of a validated fine-tune file beyond its line format: the format the model trains on and
 * a least number of examples. Public so that {@code whetstone prepare-data} gives the very verdict the service gives.
 */
public final class TrainingFileRequirements {
    /** A training file needs this many examples; fewer cannot teach a pattern and make epochs meaningless. */
    public static final int MIN_TRAINING_EXAMPLES = 10;
    /** A validation file only needs one. */
    public static final int MIN_VALIDATION_EXAMPLES = 1;

    private TrainingFileRequirements() {}

    /**
     * The problem with a file for a model, or null when there is none.
     *
     * @param file        how the message names the file, e.g. {@code File 'file-abc'}
     * @param param       the request field that names the file, e.g. {@code training_file}
     * @param chatModel   whether the model has a chat template (then it trains on chat data only)
     * @param modelName   the model's name, for the message
     * @param minExamples the least number of examples
     */
    public static String problem(FileStatistics stats, String file, String param, boolean chatModel, String modelName,
                                 int minExamples) {
        String formatProblem = formatProblem(stats, file, chatModel, modelName);
        if (formatProblem != null) return formatProblem;
        return countProblem(stats, file, param, minExamples);
    }

    /** The format half of {@link #problem}: null when the file's format is the one the model trains on. */
    public static String formatProblem(FileStatistics stats, String file, boolean chatModel, String modelName) {
        String wanted = chatModel ? "chat" : "prompt_completion";
        if (stats.format() == null || stats.format().equals(wanted)) return null;
        String why = chatModel
                ? "is a chat model (its tokenizer has a chat template): use lines like {\"messages\": [...]}"
                : "has no chat template: use lines like {\"prompt\": \"...\", \"completion\": \"...\"}";
        return file + " is in " + stats.format() + " format, but model '" + modelName + "' " + why + ".";
    }

    /** The count half of {@link #problem}: null when the file has at least {@code minExamples} examples. */
    public static String countProblem(FileStatistics stats, String file, String param, int minExamples) {
        if (stats.examples() >= minExamples) return null;
        return file + " has " + stats.examples() + " examples; " + param + " needs at least " + minExamples + ".";
    }
}
