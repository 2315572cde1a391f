package dev.whetstone.safety;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One blocklist, compiled: its terms as one whole-word pattern, each regex on its own with a time budget. A hit
 * reports the blocklist's name; a regex that runs out of time counts as a hit (fail closed: a slow pattern
 * never lets text through) and is reported as an error naming the item, so the operator can fix it.
 */
public final class BlocklistClassifier implements SafetyClassifier {
    /** Per regex and text; generous for sane patterns on long completions, short enough to bound a bad one. */
    static final Duration REGEX_BUDGET = Duration.ofMillis(50);

    private record Regex(String item, Pattern pattern) {}

    private final String name;
    private final Pattern terms;
    private final List<Regex> regexes;

    private BlocklistClassifier(String name, Pattern terms, List<Regex> regexes) {
        this.name = name;
        this.terms = terms;
        this.regexes = regexes;
    }

    /** @throws java.util.regex.PatternSyntaxException only for items that were never validated */
    public static BlocklistClassifier of(String blocklist, List<RaiBlocklistItem> items) {
        List<String> literal = new ArrayList<>();
        List<Regex> regexes = new ArrayList<>();
        for (RaiBlocklistItem item : items) {
            if (item.regex()) regexes.add(new Regex(item.name(), compileRegex(item.pattern())));
            else literal.add(item.pattern());
        }
        return new BlocklistClassifier(blocklist, literal.isEmpty() ? null : TermPatterns.wholeWords(literal, false),
                List.copyOf(regexes));
    }

    /** Case-insensitive, as Azure matches blocklist regexes. */
    static Pattern compileRegex(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    public String name() { return name; }

    @Override
    public Classification classify(String text) {
        if (terms != null && terms.matcher(text).find()) return hit(List.of());
        for (Regex r : regexes) {
            try {
                if (r.pattern().matcher(new GuardedText(text, REGEX_BUDGET.toNanos())).find()) return hit(List.of());
            } catch (GuardedText.Exceeded e) {
                return hit(List.of("blocklist '" + name + "' item '" + r.item() + "': the regex ran past its "
                        + REGEX_BUDGET.toMillis() + " ms budget and counts as a match; simplify the pattern"));
            } catch (StackOverflowError e) {
                return hit(List.of("blocklist '" + name + "' item '" + r.item() + "': the regex recursed too deeply "
                        + "and counts as a match; simplify the pattern"));
            }
        }
        return Classification.NOTHING;
    }

    private Classification hit(List<String> errors) {
        return new Classification(Map.of(), Set.of(name), errors);
    }
}
