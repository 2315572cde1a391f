package dev.whetstone.safety;

import java.util.Collection;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns literal terms into one case-insensitive regex that matches them as whole words: a term must not be
 * preceded or followed by a letter, digit or '_' (so "kill" does not match "skill"), spaces match any whitespace,
 * and a trailing '*' (lexicon only) allows any word ending.
 */
final class TermPatterns {
    private static final String WORD = "[\\p{L}\\p{N}_]";

    private TermPatterns() {}

    static Pattern wholeWords(Collection<String> terms, boolean starSuffix) {
        String alternatives = terms.stream().map(t -> term(t, starSuffix)).collect(Collectors.joining("|"));
        return Pattern.compile("(?<!" + WORD + ")(?:" + alternatives + ")(?!" + WORD + ")",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private static String term(String term, boolean starSuffix) {
        String t = term.strip();
        boolean prefix = starSuffix && t.endsWith("*");
        if (prefix) t = t.substring(0, t.length() - 1);
        String body = java.util.Arrays.stream(t.split("\\s+")).map(Pattern::quote).collect(Collectors.joining("\\s+"));
        return prefix ? body + WORD + "*" : body;
    }
}
