package dev.whetstone.data.prepare;

import java.util.ArrayList;
import java.util.List;

/** Collects the drafts a finding is about, with a note each, and builds the finding. */
final class Rows {
    private final List<Draft> drafts = new ArrayList<>();
    private final List<RowNote> notes = new ArrayList<>();

    void add(Draft draft, String excerptSource) {
        drafts.add(draft);
        if (notes.size() < Finding.MAX_ROWS) notes.add(RowNote.of(draft, excerptSource));
    }

    /** As {@link #add}, with a message about the row (kept longer than an excerpt). */
    void addMessage(Draft draft, String message) {
        drafts.add(draft);
        if (notes.size() < Finding.MAX_ROWS) notes.add(RowNote.message(draft, message));
    }

    boolean isEmpty() { return drafts.isEmpty(); }

    int size() { return drafts.size(); }

    List<Draft> drafts() { return List.copyOf(drafts); }

    Finding finding(String check, Severity severity, String message, Fix fix) {
        return new Finding(check, severity, message, notes, drafts.size(), fix);
    }

    /** A fix that removes these rows. */
    Fix removal(String question) {
        List<Draft> gone = List.copyOf(drafts);
        return new Fix(question, data -> data.remove(gone));
    }

    /** "1 row has", "3 rows have": a count and its verb in agreement. */
    static String subject(long n, String noun, String singularVerb, String pluralVerb) {
        return plural(n, noun) + " " + (n == 1 ? singularVerb : pluralVerb);
    }

    /** "Remove this row?", "Remove these 3 rows?". */
    static String removeQuestion(long n, String noun) {
        return n == 1 ? "Remove this " + noun + "?" : "Remove these " + plural(n, noun) + "?";
    }

    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
