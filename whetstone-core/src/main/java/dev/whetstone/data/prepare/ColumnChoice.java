package dev.whetstone.data.prepare;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which input column plays which part. By default a column named like the part (case and surrounding spaces
 * ignored) plays it; {@code overrides} (part → column, from {@code --column completion=answer}) name others.
 */
public record ColumnChoice(Map<String, String> overrides) {
    /** The parts a column may play. */
    public static final List<String> PARTS = List.of("prompt", "completion", "system", "user", "assistant", "weight", "messages");

    public ColumnChoice {
        for (String part : overrides.keySet()) {
            if (!PARTS.contains(part)) {
                throw new IllegalArgumentException("unknown part '" + part + "' in --column; allowed: " + String.join(", ", PARTS));
            }
        }
        overrides = Map.copyOf(overrides);
    }

    public static ColumnChoice defaults() { return new ColumnChoice(Map.of()); }

    /** The column playing {@code part}, or null when the input has none. */
    String column(String part, List<String> columns) throws BadInputException {
        String wanted = overrides.getOrDefault(part, part);
        for (String column : columns) {
            if (column.strip().toLowerCase(Locale.ROOT).equals(wanted.strip().toLowerCase(Locale.ROOT))) return column;
        }
        if (overrides.containsKey(part)) {
            throw new BadInputException("--column " + part + "=" + wanted + ": the input has no column '" + wanted
                    + "'; its columns are " + String.join(", ", columns) + ".");
        }
        return null;
    }
}
