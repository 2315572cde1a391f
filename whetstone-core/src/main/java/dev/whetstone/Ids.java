package dev.whetstone;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Identifiers in Azure's live form: a prefix and 32 lowercase hex digits (docs/reference/API.md 1.3). */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String newId(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    /**
     * Like {@link #newId}, but the first 12 hex digits are a millisecond timestamp kept strictly increasing within
     * the process, so ids sort in creation order (lists order by (created_at, id), and created_at is in whole
     * seconds). The remaining 20 digits are random.
     */
    public static String newOrderedId(String prefix, long epochMillis) {
        long stamp = LAST_STAMP.updateAndGet(last -> Math.max(last + 1, epochMillis));
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return prefix + String.format("%012x", stamp & 0xFFFF_FFFF_FFFFL) + HexFormat.of().formatHex(bytes);
    }

    private static final java.util.concurrent.atomic.AtomicLong LAST_STAMP = new java.util.concurrent.atomic.AtomicLong();

    /** The 32-hex part of an id made by {@link #newId}. */
    public static String hexOf(String id) {
        return id.substring(id.lastIndexOf('-') + 1);
    }
}
