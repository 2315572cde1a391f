package dev.whetstone.store;

/**
 * A cursor request: items after the one with id {@code after} (null: from the start), at most {@code limit},
 * newest first unless {@code ascending}.
 */
public record PageRequest(String after, int limit, boolean ascending) {
    public PageRequest {
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }

    public static PageRequest first(int limit) { return new PageRequest(null, limit, false); }
}
