package dev.whetstone.data.prepare;

/**
 * One row a finding is about.
 *
 * @param row     the row's number in the input
 * @param excerpt a short quote of the row (or of the offending part), newlines shown as \n
 */
public record RowNote(long row, String excerpt) {
    private static final int EXCERPT_CHARS = 60;

    /** {@code text} cut to a short one-line excerpt. */
    static RowNote of(Draft draft, String text) {
        return new RowNote(draft.row(), excerpt(text));
    }

    static String excerpt(String text) {
        String flat = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
        return flat.length() > EXCERPT_CHARS ? flat.substring(0, EXCERPT_CHARS - 1) + "…" : flat;
    }
}
