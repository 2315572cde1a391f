package dev.whetstone.server.api;

import dev.whetstone.error.ApiException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Resource Manager api-version (docs/reference/API.md 1.1): 2022-12-01 (what the Azure CLI 2.45's SDK pins, with the
 * older {@code properties.scaleSettings} body), 2023-05-01, 2024-10-01 and any later well-formed date. Also
 * undoes the how-to's typo, whose deploy command drops the {@code ?} (docs/reference/CLIENTS.md 6), so that
 * {@code …/deployments/NAMEapi-version=2023-05-01} arrives as the name {@code NAMEapi-version=2023-05-01}.
 */
final class ArmVersions {
    static final String OLDEST = "2022-12-01";
    private static final String SUPPORTED = "2022-12-01, 2023-05-01, 2024-10-01 and later dates (YYYY-MM-DD or YYYY-MM-DD-preview)";
    private static final Pattern FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");
    private static final Pattern GLUED = Pattern.compile("(.*?)\\??api-version=(\\d{4}-\\d{2}-\\d{2}(?:-preview)?)");

    private ArmVersions() {}

    /** The deployment name of the path and the api-version, whichever way the client wrote them. */
    record Target(String name, String apiVersion) {}

    static Target target(Call call, String nameParam) {
        String name = nameParam == null ? null : call.path(nameParam);
        String version = call.query("api-version");
        if (name != null) {
            Matcher glued = GLUED.matcher(name);
            if (glued.matches()) {
                name = glued.group(1);
                if (version == null) version = glued.group(2);
            }
        }
        return new Target(name, require(version));
    }

    static String require(String version) {
        if (version == null || version.isBlank()) {
            throw ApiException.invalid("api-version", "Missing required query parameter 'api-version', e.g. "
                    + "?api-version=2023-05-01. Supported for Resource Manager calls: " + SUPPORTED + ".");
        }
        if (!FORM.matcher(version).matches() || version.substring(0, 10).compareTo(OLDEST) < 0) {
            throw ApiException.invalid("api-version", "Unsupported api-version '" + version + "' for Resource Manager "
                    + "calls. Supported: " + SUPPORTED + ".");
        }
        return version;
    }

    /**
     * A required, well-formed api-version of any date: the subscription routes, whose versions (2016-06-01,
     * 2019-11-01, …) are independent of the deployment routes' and return the same shape.
     */
    static String requireAny(String version) {
        if (version == null || version.isBlank() || !FORM.matcher(version).matches()) {
            throw ApiException.invalid("api-version", "Missing or malformed query parameter 'api-version' (got '"
                    + version + "'), e.g. ?api-version=2019-11-01.");
        }
        return version;
    }
}
