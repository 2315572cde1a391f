package dev.whetstone.server.api;

import dev.whetstone.error.ApiException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Azure api-version values we accept (docs/reference/API.md §9 and the values in docs/reference/CLIENTS.md 4), and the few behaviours
 * that differ by version.
 */
public final class ApiVersions {
    private static final Pattern FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");

    static final Set<String> SUPPORTED = Set.of(
            "2022-03-01-preview", "2022-06-01-preview", "2022-12-01", "2023-03-15-preview", "2023-05-15",
            "2023-06-01-preview", "2023-07-01-preview", "2023-08-01-preview", "2023-09-01-preview",
            "2023-09-15-preview", "2023-10-01-preview", "2023-12-01-preview", "2024-02-01", "2024-02-15-preview",
            "2024-03-01-preview", "2024-04-01-preview", "2024-05-01-preview", "2024-06-01", "2024-07-01-preview",
            "2024-08-01-preview", "2024-09-01-preview", "2024-10-01-preview", "2024-10-21", "2024-12-01-preview",
            "2025-01-01-preview", "2025-02-01-preview", "2025-03-01-preview", "2025-04-01-preview");

    private ApiVersions() {}

    /** Checks a required api-version; 400 invalidPayload naming the accepted values otherwise. */
    public static String require(String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid("api-version", "Missing required query parameter 'api-version', e.g. "
                    + "?api-version=2024-10-21. Supported: " + supportedList() + ".");
        }
        if (!FORM.matcher(value).matches() || !SUPPORTED.contains(value)) {
            throw ApiException.invalid("api-version", "Unsupported api-version '" + value + "'. Supported: "
                    + supportedList() + ".");
        }
        return value;
    }

    /**
     * Checks a required api-version by its form only: inference has many more versions than authoring (every
     * monthly preview), and clients send whatever they were built with (docs/reference/CLIENTS.md 4).
     */
    public static String requireWellFormed(String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid("api-version", "Missing required query parameter 'api-version', e.g. "
                    + "?api-version=2024-10-21.");
        }
        if (!FORM.matcher(value).matches()) {
            throw ApiException.invalid("api-version", "Malformed api-version '" + value + "'; expected YYYY-MM-DD or "
                    + "YYYY-MM-DD-preview, e.g. 2024-10-21.");
        }
        return value;
    }

    /** File delete answers 200 with a body from 2024-10 on, 204 before (docs/reference/API.md 2.7). */
    public static boolean fileDeleteHasBody(String version) {
        return version == null || version.compareTo("2024-10-01") >= 0;
    }

    private static String supportedList() {
        return String.join(", ", SUPPORTED.stream().sorted().toList());
    }
}
