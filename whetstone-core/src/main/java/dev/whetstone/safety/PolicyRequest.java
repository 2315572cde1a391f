package dev.whetstone.safety;

import java.util.List;

/**
 * A RAI policy PUT as the API parsed its shape; {@link SafetyService} checks the values (names, thresholds,
 * sources, referenced blocklists). Absent fields are null.
 */
public record PolicyRequest(String account, String name, String mode, String basePolicyName, List<FilterInput> filters,
                            List<BlocklistInput> blocklists, RaiPolicy.Classifiers classifiers) {
    public record FilterInput(String name, String severityThreshold, Boolean blocking, Boolean enabled, String source) {}

    public record BlocklistInput(String blocklistName, Boolean blocking, String source) {}

    public PolicyRequest {
        filters = filters == null ? List.of() : List.copyOf(filters);
        blocklists = blocklists == null ? List.of() : List.copyOf(blocklists);
    }
}
