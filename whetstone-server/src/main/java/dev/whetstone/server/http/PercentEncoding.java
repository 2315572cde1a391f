package dev.whetstone.server.http;

import dev.whetstone.error.ApiException;

/**
 * Refuses a request path or query whose percent-encoding cannot be decoded. Jetty lets some through (its lenient
 * URI mode, which Javalin sets, accepts {@code %u0041}), and Javalin decodes path parameters and query values with
 * {@code URLDecoder}, which throws on them: without this check such a request ends as a 500.
 */
public final class PercentEncoding {
    private PercentEncoding() {}

    /** Throws a 400 naming {@code part} ("path", "query") unless every '%' in {@code raw} starts a %XX escape. */
    public static void requireWellFormed(String part, String raw) {
        if (raw == null) return;
        for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
            if (i + 2 >= raw.length() || !isHex(raw.charAt(i + 1)) || !isHex(raw.charAt(i + 2))) {
                String at = raw.substring(i, Math.min(raw.length(), i + 3));
                throw ApiException.invalid(null, "The request " + part + " has a malformed percent-encoding at '" + at
                        + "': '%' must be followed by two hex digits (a literal '%' is written %25).");
            }
        }
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
