package dev.whetstone.jobs;

import dev.whetstone.files.FileStatistics;

/**
 * What job creation asks of a validated fine-tune file beyond its line format: the format the model and the job's
 * method train on (preference pairs for DPO, else chat or prompt/completion by the model) and a least number of
 * examples. Public so that {@code whetstone prepare-data} gives the very verdict the service gives.
 */
public final class TrainingFileRequirements {
    /** A training file needs this many examples; fewer cannot teach a pattern and make epochs meaningless. */
    public static final int MIN_TRAINING_EXAMPLES = 10;
    /** A validation file only needs one. */
    public static final int MIN_VALIDATION_EXAMPLES = 1;
    private static final String PREFERENCE = "preference";
    private static final String REINFORCEMENT = "reinforcement";

    private TrainingFileRequirements() {}

    /**
     * The problem with a file for a model, or null when there is none.
     *
     * @param file        how the message names the file, e.g. {@code File 'file-abc'}
     * @param param       the request field that names the file, e.g. {@code training_file}
     * @param chatModel   whether the model has a chat template (then it trains on chat data only)
     * @param modelName   the model's name, for the message
     * @param minExamples the least number of examples
     * @param preference  whether the job is a DPO job (it trains on preference pairs)
     */
    public static String problem(FileStatistics stats, String file, String param, boolean chatModel, String modelName,
                                 int minExamples, boolean preference) {
        return problem(stats, file, param, chatModel, modelName, minExamples,
                preference ? MetricsRow.Kind.PREFERENCE : MetricsRow.Kind.SUPERVISED);
    }

    /** {@link #problem} for a job of any method: supervised, DPO (PREFERENCE) or REINFORCEMENT. */
    public static String problem(FileStatistics stats, String file, String param, boolean chatModel, String modelName,
                                 int minExamples, MetricsRow.Kind method) {
        String formatProblem = method == MetricsRow.Kind.REINFORCEMENT
                ? reinforcementProblem(stats, file, chatModel, modelName)
                : formatProblem(stats, file, chatModel, modelName, method == MetricsRow.Kind.PREFERENCE);
        if (formatProblem != null) return formatProblem;
        return countProblem(stats, file, param, minExamples);
    }

    private static String reinforcementProblem(FileStatistics stats, String file, boolean chatModel, String modelName) {
        if (stats.format() == null) return null;
        if (!stats.format().equals(REINFORCEMENT)) {
            return file + " is in " + stats.format() + " format, but a reinforcement job trains on prompts: use lines"
                    + " like {\"messages\": [..., {\"role\": \"user\", \"content\": \"...\"}], <fields the grader"
                    + " reads>}, ending with the user's turn.";
        }
        if (chatModel) return null;
        return "Model '" + modelName + "' has no chat template, and reinforcement prompts are chat conversations:"
                + " choose a chat model for " + file + ".";
    }

    /** The format half of {@link #problem}: null when the file's format is the one the model trains on. */
    public static String formatProblem(FileStatistics stats, String file, boolean chatModel, String modelName,
                                       boolean preference) {
        if (stats.format() == null) return null;
        if (preference) return preferenceProblem(stats, file, chatModel, modelName);
        if (stats.format().equals(PREFERENCE)) {
            return file + " holds preference pairs, which DPO trains on: create the job with method {\"type\": \"dpo\"},"
                    + " or use a file in " + (chatModel ? "chat" : "prompt_completion") + " format for supervised"
                    + " fine-tuning.";
        }
        if (stats.format().equals(REINFORCEMENT)) {
            return file + " holds reinforcement fine-tuning prompts (messages ending with the user's turn, no reply to"
                    + " learn); supervised fine-tuning needs a file in " + (chatModel ? "chat" : "prompt_completion")
                    + " format, whose examples end with the reply.";
        }
        String wanted = chatModel ? "chat" : "prompt_completion";
        if (stats.format().equals(wanted)) return null;
        String why = chatModel
                ? "is a chat model (its tokenizer has a chat template): use lines like {\"messages\": [...]}"
                : "has no chat template: use lines like {\"prompt\": \"...\", \"completion\": \"...\"}";
        return file + " is in " + stats.format() + " format, but model '" + modelName + "' " + why + ".";
    }

    private static String preferenceProblem(FileStatistics stats, String file, boolean chatModel, String modelName) {
        if (!stats.format().equals(PREFERENCE)) {
            return file + " is in " + stats.format() + " format, but a DPO job trains on preference pairs: use lines"
                    + " like {\"input\": {\"messages\": [...]}, \"preferred_output\": [{\"role\": \"assistant\", ...}],"
                    + " \"non_preferred_output\": [{\"role\": \"assistant\", ...}]}.";
        }
        if (chatModel) return null;
        return "Model '" + modelName + "' has no chat template, and DPO compares chat replies: choose a chat model for"
                + " " + file + ".";
    }

    /** The count half of {@link #problem}: null when the file has at least {@code minExamples} examples. */
    public static String countProblem(FileStatistics stats, String file, String param, int minExamples) {
        if (stats.examples() >= minExamples) return null;
        return file + " has " + stats.examples() + " examples; " + param + " needs at least " + minExamples + ".";
    }
}
