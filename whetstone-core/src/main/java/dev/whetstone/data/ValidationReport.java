package dev.whetstone.data;

import dev.whetstone.files.FileStatistics;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What validating a training file found.
 *
 * @param ok          true when no error was found
 * @param statistics  format (of the first valid line), number of valid examples and estimated tokens; counted
 *                    over the valid lines also when the file has errors
 * @param errors      the first errors, in line order (at most the validator's limit)
 * @param totalErrors all errors found, including those not kept in {@code errors}
 */
public record ValidationReport(boolean ok, FileStatistics statistics, List<LineError> errors, long totalErrors) {
    public ValidationReport {
        errors = List.copyOf(errors);
    }

    /**
     * One paragraph for a file's {@code status_details}, e.g. {@code Line 3, messages[1].role: unknown role 'bot';
     * allowed: system, user, assistant. Line 7: ... (12 errors in total, first 10 shown)}.
     */
    public String summary() {
        if (ok) {
            Long images = statistics.imageParts();
            return "The file is valid: " + statistics.examples() + " examples in the " + statistics.format()
                    + " format, about " + statistics.estimatedTokens() + " tokens"
                    + (images != null && images > 0 ? ", " + images + " images" : "") + ".";
        }
        String shown = errors.stream().map(LineError::render).collect(Collectors.joining(" "));
        if (totalErrors > errors.size()) {
            shown += " (" + totalErrors + " errors in total, first " + errors.size() + " shown)";
        }
        return shown;
    }
}
