package dev.whetstone.safety;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in classifier that needs no model: a versioned list of words and phrases, each with a category and
 * a severity ({@code lexicon-v1.tsv} beside this class; docs/safety.md says what it can and cannot catch). A text
 * gets, per category, the highest severity of any entry it contains; categories with no match are graded safe.
 * One regex per (category, severity), so a text is scanned at most twelve times whatever the list's length.
 */
public final class LexiconClassifier implements SafetyClassifier {
    public static final String VERSION = "lexicon-v1";

    private record Level(HarmCategory category, Severity severity, Pattern pattern) {}

    private final List<Level> levels;

    private LexiconClassifier(List<Level> levels) {
        this.levels = levels;
    }

    /** The list shipped with this version. */
    public static LexiconClassifier builtIn() {
        try (InputStream in = LexiconClassifier.class.getResourceAsStream(VERSION + ".tsv")) {
            if (in == null) throw new IllegalStateException(VERSION + ".tsv is missing from the classpath");
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From lines {@code category<TAB>severity<TAB>phrase}; '#' starts a comment line. */
    static LexiconClassifier parse(List<String> lines) {
        Map<HarmCategory, Map<Severity, List<String>>> terms = new EnumMap<>(HarmCategory.class);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            int n = i + 1;
            if (f.length != 3) throw new IllegalArgumentException("lexicon line " + n + ": expected 3 tab-separated fields");
            HarmCategory c = HarmCategory.fromArm(f[0]).orElseThrow(() ->
                    new IllegalArgumentException("lexicon line " + n + ": unknown category '" + f[0] + "'"));
            Severity s = Severity.threshold(f[1]).orElseThrow(() ->
                    new IllegalArgumentException("lexicon line " + n + ": severity must be low, medium or high"));
            terms.computeIfAbsent(c, x -> new EnumMap<>(Severity.class)).computeIfAbsent(s, x -> new ArrayList<>()).add(f[2]);
        }
        List<Level> levels = new ArrayList<>();
        terms.forEach((c, bySeverity) -> bySeverity.forEach((s, list) ->
                levels.add(new Level(c, s, TermPatterns.wholeWords(list, true)))));
        // Highest first: once a category has a high finding, its lower patterns need not run.
        levels.sort((a, b) -> b.severity().compareTo(a.severity()));
        return new LexiconClassifier(List.copyOf(levels));
    }

    @Override
    public Classification classify(String text) {
        Map<HarmCategory, Classification.Finding> findings = new EnumMap<>(HarmCategory.class);
        for (Level level : levels) {
            if (findings.containsKey(level.category())) continue;
            Matcher m = level.pattern().matcher(text);
            if (m.find()) findings.put(level.category(), new Classification.Finding(level.severity(), m.group()));
        }
        for (HarmCategory c : HarmCategory.values()) {
            findings.putIfAbsent(c, new Classification.Finding(Severity.SAFE, null));
        }
        return new Classification(findings, Set.of(), List.of());
    }
}
