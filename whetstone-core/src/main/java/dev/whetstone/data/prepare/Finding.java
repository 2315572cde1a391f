package dev.whetstone.data.prepare;

import java.util.List;

/**
 * What one analysis found.
 *
 * @param check    the analysis's short name, e.g. {@code duplicates}
 * @param severity how much it matters
 * @param message  one or two sentences: what was found and why it matters
 * @param rows     the first rows concerned (at most {@link #MAX_ROWS}), with excerpts
 * @param rowCount all rows concerned
 * @param fix      the suggested change; null when there is none
 */
public record Finding(String check, Severity severity, String message, List<RowNote> rows, long rowCount, Fix fix) {
    public static final int MAX_ROWS = 5;

    public Finding {
        rows = List.copyOf(rows.size() > MAX_ROWS ? rows.subList(0, MAX_ROWS) : rows);
    }

    static Finding of(String check, Severity severity, String message) {
        return new Finding(check, severity, message, List.of(), 0, null);
    }
}
