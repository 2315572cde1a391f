package dev.whetstone.safety;

import java.util.List;
import java.util.Map;

/**
 * A policy's decision on one text: per graded category its severity and whether the policy filters it, per
 * applied blocklist whether it matched, and whether the text is blocked (refused as a prompt, cut as a
 * completion). Categories the policy does not grade are absent.
 */
public record Verdict(Map<HarmCategory, CategoryResult> categories, List<BlocklistResult> blocklists,
                      List<String> errors, boolean blocked) {
    public record CategoryResult(Severity severity, boolean filtered) {}

    public record BlocklistResult(String name, boolean detected, boolean filtered) {}

    public Verdict {
        categories = Map.copyOf(categories);
        blocklists = List.copyOf(blocklists);
        errors = List.copyOf(errors);
    }

    /** Category titles ({@code Violence}, {@code Self Harm}) of the filtered categories, in enum order. */
    public List<HarmCategory> filteredCategories() {
        return java.util.Arrays.stream(HarmCategory.values())
                .filter(c -> categories.containsKey(c) && categories.get(c).filtered()).toList();
    }
}
