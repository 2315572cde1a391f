package dev.whetstone.safety;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A policy ready to apply: for each source, the category filters in force, the classifier that grades them, and
 * the compiled blocklists. Built by {@link SafetyService#filterFor}; immutable and shared between requests.
 */
public final class ContentFilter {
    private record Side(Map<HarmCategory, RaiPolicy.Filter> filters, List<Applied> blocklists) {
        boolean active() { return !filters.isEmpty() || !blocklists.isEmpty(); }
    }

    private record Applied(BlocklistClassifier classifier, boolean blocking) {}

    /** Filters nothing and annotates nothing. */
    public static final ContentFilter OFF = new ContentFilter(Map.of(), Map.of());

    private final Map<Source, SafetyClassifier> classifiers;
    private final Map<Source, Side> sides;

    private ContentFilter(Map<Source, SafetyClassifier> classifiers, Map<Source, Side> sides) {
        this.classifiers = classifiers;
        this.sides = sides;
    }

    /**
     * @param classifiers per source, what grades the categories (absent: no classifier is configured, so no
     *                    category is graded on that source)
     * @param blocklists  compiled blocklists by name, holding at least every one the policy names
     */
    static ContentFilter of(RaiPolicy policy, Map<Source, SafetyClassifier> classifiers,
                            Map<String, BlocklistClassifier> blocklists) {
        Map<Source, Side> sides = new EnumMap<>(Source.class);
        for (Source source : Source.values()) {
            Map<HarmCategory, RaiPolicy.Filter> filters = new EnumMap<>(HarmCategory.class);
            if (classifiers.containsKey(source)) {
                for (RaiPolicy.Filter f : policy.effectiveFilters()) {
                    if (f.source() == source && f.enabled()) filters.put(f.category(), f);
                }
            }
            List<Applied> applied = new ArrayList<>();
            for (RaiPolicy.BlocklistRef ref : policy.customBlocklists()) {
                if (ref.source() == source) applied.add(new Applied(blocklists.get(ref.blocklistName()), ref.blocking()));
            }
            sides.put(source, new Side(filters, List.copyOf(applied)));
        }
        return new ContentFilter(Map.copyOf(classifiers), sides);
    }

    /** Whether anything is checked on this source; when not, responses carry no annotations for it. */
    public boolean active(Source source) {
        Side side = sides.get(source);
        return side != null && side.active();
    }

    /**
     * How many completion pieces may arrive between two checks ({@link SafetyClassifier#checkEvery}): 1 unless a
     * guard model grades this source's categories.
     */
    public int checkEvery(Source source) {
        Side side = sides.get(source);
        return side == null || side.filters().isEmpty() || !classifiers.containsKey(source) ? 1
                : classifiers.get(source).checkEvery();
    }

    public Verdict check(String text, Source source) {
        Side side = sides.get(source);
        if (side == null || !side.active()) return new Verdict(Map.of(), List.of(), List.of(), false);
        Classification graded = side.filters().isEmpty() ? Classification.NOTHING : classifiers.get(source).classify(text);
        boolean blocked = false;
        Map<HarmCategory, Verdict.CategoryResult> categories = new EnumMap<>(HarmCategory.class);
        for (RaiPolicy.Filter f : side.filters().values()) {
            if (!graded.graded(f.category())) continue;
            Severity severity = graded.severity(f.category());
            boolean filtered = f.blocking() && severity != Severity.SAFE && severity.atLeast(f.threshold());
            blocked |= filtered;
            categories.put(f.category(), new Verdict.CategoryResult(severity, filtered));
        }
        List<Verdict.BlocklistResult> lists = new ArrayList<>();
        List<String> errors = new ArrayList<>(graded.errors());
        for (Applied a : side.blocklists()) {
            Classification hit = a.classifier().classify(text);
            boolean detected = hit.blocklistHits().contains(a.classifier().name());
            blocked |= detected && a.blocking();
            lists.add(new Verdict.BlocklistResult(a.classifier().name(), detected, detected && a.blocking()));
            errors.addAll(hit.errors());
        }
        return new Verdict(categories, lists, errors, blocked);
    }
}
