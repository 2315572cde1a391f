package dev.whetstone.server.api.inference;

import dev.whetstone.safety.ContentFilter;
import dev.whetstone.safety.Source;
import dev.whetstone.safety.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies one choice's completion as it grows and decides how much of it may be shown (docs/safety.md,
 * "Streaming"). On each new piece (a token's text) the whole text so far is checked. Text is released in whole
 * pieces, up to the last piece boundary that is also a word boundary: a piece that may still be the first part
 * of a word ("kil" before "ling") waits for the next, so a term is judged whole before any of it is sent.
 * Releasing whole pieces keeps each chunk's text and its tokens' log-probabilities aligned. Once the text is
 * blocked, nothing more is released and the choice ends with {@code finish_reason: "content_filter"}. With a
 * guard model grading completions the check runs every {@link ContentFilter#checkEvery} pieces instead (a guard
 * check is a generation); pieces in between wait, so nothing is shown before it was judged.
 */
final class CompletionGate {
    private final ContentFilter filter;
    private final boolean active;
    private final int every;
    private int sinceCheck;
    private final StringBuilder text = new StringBuilder();
    /** Where each unreleased non-empty piece starts in {@code text}. */
    private final List<Integer> starts = new ArrayList<>();
    private int released;
    private int checked;
    private Verdict verdict;
    private boolean blocked;

    CompletionGate(ContentFilter filter) {
        this.filter = filter;
        this.active = filter.active(Source.COMPLETION);
        this.every = filter.checkEvery(Source.COMPLETION);
    }

    /** The text that may be shown now ("" when it is held back or the choice is blocked). */
    String offer(String piece) {
        if (blocked) return "";
        if (!piece.isEmpty()) starts.add(text.length());
        text.append(piece);
        if (!active) return release(text.length());
        if (piece.isEmpty()) return "";
        if (++sinceCheck < every) return ""; // held until the next check judges it
        sinceCheck = 0;
        if (check()) return "";
        return release(lastBoundary());
    }

    /** The generation ended: the held-back rest, unless the whole text is blocked. */
    String finish() {
        if (blocked) return "";
        if (active && checked != text.length() && check()) return "";
        return release(text.length());
    }

    boolean blocked() { return blocked; }

    /** The last decision, or null when completions are not filtered. */
    Verdict verdict() { return verdict; }

    private boolean check() {
        checked = text.length();
        verdict = filter.check(text.toString(), Source.COMPLETION);
        blocked = verdict.blocked();
        return blocked;
    }

    private String release(int to) {
        if (to <= released) return "";
        String out = text.substring(released, to);
        released = to;
        starts.removeIf(s -> s < to);
        return out;
    }

    /** The end of the text if it ends a word, else the start of the last piece that begins at a word boundary. */
    private int lastBoundary() {
        int length = text.length();
        if (length > released && !word(text.charAt(length - 1))) return length;
        for (int i = starts.size() - 1; i >= 0; i--) {
            int at = starts.get(i);
            if (at > released && (!word(text.charAt(at - 1)) || !word(text.charAt(at)))) return at;
        }
        return released;
    }

    private static boolean word(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
