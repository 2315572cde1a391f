package dev.whetstone.data.prepare;

/**
 * One row a finding is about.
 *
 * @param row     the row's number in the input
 * @param excerpt a short quote of the row (or of the offending part), newlines shown as \n
 */
public record RowNote(long row, String excerpt) {
    private static final int EXCERPT_CHARS = 60;
    /** The service's messages are kept whole up to this length: their end says what is allowed. */
    private static final int MESSAGE_CHARS = 200;

    /** {@code text} cut to a short one-line excerpt. */
    static RowNote of(Draft draft, String text) {
        return new RowNote(draft.row(), excerpt(text));
    }

    /** A message about the row rather than a quote of it: kept longer. */
    static RowNote message(Draft draft, String text) {
        return new RowNote(draft.row(), clip(text, MESSAGE_CHARS));
    }

    static String excerpt(String text) {
        return clip(text, EXCERPT_CHARS);
    }

    private static String clip(String text, int max) {
        String flat = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
        return flat.length() > max ? flat.substring(0, max - 1) + "…" : flat;
    }
}
