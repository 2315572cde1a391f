package dev.whetstone.safety;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What classifiers found in one text: a severity per category they graded (a category no classifier graded is
 * absent, never reported as safe), the blocklists that matched, and classifier failures.
 *
 * @param findings     per graded category, the highest severity found and why (the matched term or the guard's code)
 * @param blocklistHits names of the blocklists with at least one matching item
 * @param errors        classifiers that could not give an answer, with the reason
 */
public record Classification(Map<HarmCategory, Finding> findings, Set<String> blocklistHits, List<String> errors) {
    /** One category's grade. */
    public record Finding(Severity severity, String reason) {}

    public Classification {
        findings = Collections.unmodifiableMap(findings.isEmpty() ? new EnumMap<>(HarmCategory.class) : new EnumMap<>(findings));
        blocklistHits = Collections.unmodifiableSet(new LinkedHashSet<>(blocklistHits));
        errors = List.copyOf(errors);
    }

    public static final Classification NOTHING = new Classification(Map.of(), Set.of(), List.of());

    /** Every category graded safe (a classifier that covers all four found nothing). */
    public static Classification allSafe() {
        Map<HarmCategory, Finding> safe = new EnumMap<>(HarmCategory.class);
        for (HarmCategory c : HarmCategory.values()) safe.put(c, new Finding(Severity.SAFE, null));
        return new Classification(safe, Set.of(), List.of());
    }

    public static Classification failed(String error) {
        return new Classification(Map.of(), Set.of(), List.of(error));
    }

    public Severity severity(HarmCategory category) {
        Finding f = findings.get(category);
        return f == null ? Severity.SAFE : f.severity();
    }

    public boolean graded(HarmCategory category) { return findings.containsKey(category); }

    /** Both results together: per category the higher severity, every hit and error. */
    public Classification merge(Classification other) {
        Map<HarmCategory, Finding> merged = new EnumMap<>(HarmCategory.class);
        merged.putAll(findings);
        other.findings.forEach((c, f) -> merged.merge(c, f, (a, b) -> a.severity().atLeast(b.severity()) ? a : b));
        Set<String> hits = new LinkedHashSet<>(blocklistHits);
        hits.addAll(other.blocklistHits);
        List<String> allErrors = new ArrayList<>(errors);
        allErrors.addAll(other.errors);
        return new Classification(merged, hits, allErrors);
    }
}
