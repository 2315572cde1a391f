package dev.whetstone.store;

import java.util.regex.Pattern;

/**
 * The one rule for blob keys, shared by every {@link BlobStore} so a key valid on a local folder is valid on
 * S3 too: segments of {@code [A-Za-z0-9._-]} joined by {@code /}, no empty, {@code .} or {@code ..} segment,
 * at most 512 characters. Keys are made by the service (never from user file names), so the strict set costs
 * nothing and keeps a key from escaping the store's root.
 */
public final class BlobKeys {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MAX_LENGTH = 512;

    private BlobKeys() {}

    /** Returns {@code key} if it is safe; otherwise throws an IllegalArgumentException saying what is wrong. */
    public static String requireValid(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_LENGTH) {
            throw invalid(key, "it must have 1 to " + MAX_LENGTH + " characters");
        }
        for (String segment : key.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw invalid(key, "each '/'-separated segment must be non-empty and use only A-Z a-z 0-9 . _ -");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw invalid(key, "'.' and '..' segments are not allowed");
            }
        }
        return key;
    }

    private static IllegalArgumentException invalid(String key, String why) {
        return new IllegalArgumentException("Blob key '" + key + "' is not a safe relative name: " + why + ".");
    }
}
