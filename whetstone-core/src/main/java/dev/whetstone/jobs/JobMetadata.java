package dev.whetstone.jobs;

import dev.whetstone.error.ApiException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenAI's job {@code metadata}: at most 16 string pairs, keys up to 64 characters, values up to 512. Stored
 * as given and filterable in the job list ({@code metadata[key]=value}). No metadata and an empty map are the same
 * (the job answers {@code null}).
 */
public final class JobMetadata {
    public static final int MAX_PAIRS = 16;
    public static final int MAX_KEY_LENGTH = 64;
    public static final int MAX_VALUE_LENGTH = 512;

    private JobMetadata() {}

    /** Throws 400 naming the pair that breaks a limit; returns null for none, else an unmodifiable copy. */
    public static Map<String, String> check(Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) return null;
        if (metadata.size() > MAX_PAIRS) {
            throw ApiException.invalid("metadata", "'metadata' may have at most " + MAX_PAIRS + " key-value pairs, got "
                    + metadata.size() + ".");
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key.isEmpty()) throw ApiException.invalid("metadata", "'metadata' keys must not be empty.");
            if (key.length() > MAX_KEY_LENGTH) {
                throw ApiException.invalid("metadata", "'metadata' key '" + key.substring(0, 20) + "…' is " + key.length()
                        + " characters long; keys may have at most " + MAX_KEY_LENGTH + ".");
            }
            if (e.getValue().length() > MAX_VALUE_LENGTH) {
                throw ApiException.invalid("metadata." + key, "'metadata." + key + "' is " + e.getValue().length()
                        + " characters long; values may have at most " + MAX_VALUE_LENGTH + ".");
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(metadata)); // the client's order, as echoed
    }
}
