package dev.whetstone;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Identifiers in Azure's live form: a prefix and 32 lowercase hex digits (API.md 1.3). */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String newId(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    /** The 32-hex part of an id made by {@link #newId}. */
    public static String hexOf(String id) {
        return id.substring(id.lastIndexOf('-') + 1);
    }
}
