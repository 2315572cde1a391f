package dev.whetstone.safety;

import dev.whetstone.error.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks the values of policy, blocklist and item PUTs; every failure is a 400 naming the field. */
final class PolicyChecks {
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");
    static final List<String> MODES = List.of("Default", "Deferred", "Blocking", "Asynchronous_filter");
    /** Azure's filters this service does not grade: accepted only switched off, so no one believes they run. */
    static final List<String> UNSUPPORTED = List.of("Jailbreak", "Indirect Attack", "Profanity",
            "Protected Material Text", "Protected Material Code");
    static final int MAX_PATTERN = 1000;
    /** Inputs on which a backtracking regex shows itself: runs of one character class, then a mismatch. */
    private static final List<String> PROBES = List.of("a".repeat(40) + "!", "1".repeat(40) + "!",
            " ".repeat(40) + "!", "ab".repeat(20) + "!", "a.".repeat(20) + "!");

    private PolicyChecks() {}

    static String name(String name, String param, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.invalid(param, what + " name '" + name + "' is invalid: 1 to 255 characters, letters, "
                    + "digits, '_', '.' or '-', starting with a letter or digit.");
        }
        return name;
    }

    static String mode(String mode) {
        if (mode == null) return "Default";
        return MODES.stream().filter(m -> m.equalsIgnoreCase(mode)).findFirst().orElseThrow(() -> ApiException.invalid(
                "properties.mode", "properties.mode '" + mode + "' is not supported; allowed: " + String.join(", ", MODES) + "."));
    }

    static String basePolicy(String base) {
        if (base == null) return RaiPolicy.DEFAULT;
        return RaiPolicy.BUILT_IN.stream().filter(b -> b.equalsIgnoreCase(base)).findFirst().orElseThrow(() ->
                ApiException.invalid("properties.basePolicyName", "properties.basePolicyName '" + base + "' is not a "
                        + "base policy of this service; allowed: " + String.join(", ", RaiPolicy.BUILT_IN) + "."));
    }

    /** The graded filters; switched-off unsupported ones are dropped, duplicates refused. */
    static List<RaiPolicy.Filter> filters(List<PolicyRequest.FilterInput> inputs) {
        List<RaiPolicy.Filter> filters = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < inputs.size(); i++) {
            PolicyRequest.FilterInput in = inputs.get(i);
            String at = "properties.contentFilters[" + i + "]";
            Source source = source(in.source(), at + ".source");
            boolean enabled = in.enabled() == null || in.enabled();
            var category = HarmCategory.fromArm(in.name());
            if (category.isEmpty()) {
                if (UNSUPPORTED.stream().anyMatch(u -> u.equalsIgnoreCase(in.name()))) {
                    if (!enabled) continue;
                    throw ApiException.invalid(at + ".enabled", "Content filter '" + in.name() + "' is not available "
                            + "on this service (it grades Hate, Sexual, Violence, Selfharm and custom blocklists); "
                            + "send it with \"enabled\": false or leave it out.");
                }
                throw ApiException.invalid(at + ".name", "Unknown content filter '" + in.name() + "'; allowed: Hate, "
                        + "Sexual, Violence, Selfharm (and, switched off, " + String.join(", ", UNSUPPORTED) + ").");
            }
            if (!seen.add(category.get() + "/" + source)) {
                throw ApiException.invalid(at, "Content filter '" + category.get().armName() + "' for source "
                        + source.armName() + " is listed twice.");
            }
            Severity threshold = in.severityThreshold() == null ? Severity.MEDIUM
                    : Severity.threshold(in.severityThreshold()).orElseThrow(() -> ApiException.invalid(
                    at + ".severityThreshold", "severityThreshold '" + in.severityThreshold() + "' is invalid; allowed: "
                            + "Low, Medium, High (content at or above it is filtered)."));
            filters.add(new RaiPolicy.Filter(category.get(), source, threshold, in.blocking() == null || in.blocking(), enabled));
        }
        return filters;
    }

    static List<RaiPolicy.BlocklistRef> blocklists(List<PolicyRequest.BlocklistInput> inputs) {
        List<RaiPolicy.BlocklistRef> refs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < inputs.size(); i++) {
            PolicyRequest.BlocklistInput in = inputs.get(i);
            String at = "properties.customBlocklists[" + i + "]";
            String name = name(in.blocklistName(), at + ".blocklistName", "Blocklist");
            Source source = source(in.source(), at + ".source");
            if (!seen.add(name + "/" + source)) {
                throw ApiException.invalid(at, "Blocklist '" + name + "' for source " + source.armName() + " is listed twice.");
            }
            refs.add(new RaiPolicy.BlocklistRef(name, source, in.blocking() == null || in.blocking()));
        }
        return refs;
    }

    static RaiPolicy.Classifiers classifiers(RaiPolicy.Classifiers c) {
        if (c == null) return RaiPolicy.Classifiers.DEFAULTS;
        if (c.guardDeployment() != null) name(c.guardDeployment(), "properties.classifiers.guardDeployment", "Deployment");
        if (c.guardFormat() != null && GuardFormat.fromWire(c.guardFormat()).isEmpty()) {
            throw ApiException.invalid("properties.classifiers.guardFormat", "guardFormat '" + c.guardFormat()
                    + "' is not supported; allowed: " + GuardFormat.allowed() + ".");
        }
        return c;
    }

    /** A term or a regex that compiles and does not backtrack catastrophically on simple inputs. */
    static void pattern(String pattern, boolean regex) {
        if (pattern == null || pattern.isBlank()) {
            throw ApiException.invalid("properties.pattern", "properties.pattern is required: the term or regex to block.");
        }
        if (pattern.length() > MAX_PATTERN) {
            throw ApiException.invalid("properties.pattern", "properties.pattern has " + pattern.length()
                    + " characters; at most " + MAX_PATTERN + " are allowed.");
        }
        if (!regex) return;
        Pattern compiled;
        try {
            compiled = BlocklistClassifier.compileRegex(pattern);
        } catch (PatternSyntaxException e) {
            throw ApiException.invalid("properties.pattern", "properties.pattern is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex() + ".");
        }
        for (String probe : PROBES) {
            try {
                compiled.matcher(new GuardedText(probe, BlocklistClassifier.REGEX_BUDGET.toNanos())).find();
            } catch (GuardedText.Exceeded | StackOverflowError e) {
                throw ApiException.invalid("properties.pattern", "properties.pattern backtracks catastrophically: "
                        + "matching it against \"" + probe + "\" took over " + BlocklistClassifier.REGEX_BUDGET.toMillis()
                        + " ms. Avoid nested quantifiers such as (a+)+.");
            }
        }
    }

    private static Source source(String source, String param) {
        if (source == null) throw ApiException.invalid(param, param + " is required: Prompt or Completion.");
        return Source.fromArm(source).orElseThrow(() -> ApiException.invalid(param, param + " '" + source
                + "' is invalid; allowed: Prompt, Completion."));
    }
}
