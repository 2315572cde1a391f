package dev.whetstone.safety;

import java.util.ArrayList;
import java.util.List;

/**
 * A content filtering policy of an account ({@code …/accounts/{a}/raiPolicies/{name}}, docs/safety.md): per
 * category and source a threshold, and the blocklists to apply. Filters the policy does not list come from its
 * base policy ({@code Microsoft.Default}: medium, blocking, on prompts and completions).
 *
 * @param classifiers which classifiers grade the categories for this policy (Whetstone's own property)
 * @param createdAt   epoch seconds; 0 for the built-in policies
 */
public record RaiPolicy(String account, String name, String mode, String basePolicyName, List<Filter> contentFilters,
                        List<BlocklistRef> customBlocklists, Classifiers classifiers, long createdAt, long updatedAt,
                        String etag) {
    public static final String DEFAULT = "Microsoft.Default";
    public static final String DEFAULT_V2 = "Microsoft.DefaultV2";
    public static final List<String> BUILT_IN = List.of(DEFAULT, DEFAULT_V2);

    /** {@code contentFilters[]}: a category graded on one source; at or above {@code threshold} it is filtered. */
    public record Filter(HarmCategory category, Source source, Severity threshold, boolean blocking, boolean enabled) {}

    /** {@code customBlocklists[]}: a blocklist of the same account applied to one source. */
    public record BlocklistRef(String blocklistName, Source source, boolean blocking) {}

    /**
     * Whetstone's {@code properties.classifiers}: null fields take the service's defaults (docs/configuration.md).
     *
     * @param lexicon         whether the built-in lexicon grades the categories
     * @param guardDeployment a deployment on this service asked as a guard model, or null
     * @param guardFormat     how the guard is prompted and its answer read ({@link GuardFormat#wireName})
     */
    public record Classifiers(Boolean lexicon, String guardDeployment, String guardFormat) {
        public static final Classifiers DEFAULTS = new Classifiers(null, null, null);
    }

    public RaiPolicy {
        contentFilters = List.copyOf(contentFilters);
        customBlocklists = List.copyOf(customBlocklists);
        if (classifiers == null) classifiers = Classifiers.DEFAULTS;
    }

    public boolean builtIn() { return createdAt == 0 && BUILT_IN.contains(name); }

    /** A built-in policy as the account sees it. */
    public static RaiPolicy builtIn(String account, String name) {
        return new RaiPolicy(account, name, "Blocking", null, defaultFilters(), List.of(), Classifiers.DEFAULTS, 0, 0,
                "builtin");
    }

    /** Microsoft.Default: every category on both sources, medium threshold, blocking. */
    public static List<Filter> defaultFilters() {
        List<Filter> filters = new ArrayList<>();
        for (Source s : Source.values()) {
            for (HarmCategory c : HarmCategory.values()) filters.add(new Filter(c, s, Severity.MEDIUM, true, true));
        }
        return filters;
    }

    /** The filters in force: the base's, replaced per (category, source) by those this policy lists. */
    public List<Filter> effectiveFilters() {
        List<Filter> effective = new ArrayList<>();
        for (Filter base : defaultFilters()) {
            effective.add(contentFilters.stream()
                    .filter(f -> f.category() == base.category() && f.source() == base.source())
                    .findFirst().orElse(base));
        }
        return effective;
    }
}
