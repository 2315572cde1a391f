package dev.whetstone.store;

import java.util.List;

/** One page of a cursor-paginated list: the items and whether more follow after the last one. */
public record Page<T>(List<T> data, boolean hasMore) {
    public static <T> Page<T> of(List<T> data, boolean hasMore) { return new Page<>(List.copyOf(data), hasMore); }
}
