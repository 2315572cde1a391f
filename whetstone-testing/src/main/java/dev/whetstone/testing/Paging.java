package dev.whetstone.testing;

import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/** Cursor paging over an in-memory collection, with the SQL stores' rules (unknown cursor: empty page). */
final class Paging {
    private Paging() {}

    /** {@code oldestFirst} orders ascending; the page is taken in that order or its reverse. */
    static <T> Page<T> page(List<T> items, Comparator<T> oldestFirst, Function<T, String> idOf, PageRequest page) {
        List<T> sorted = items.stream().sorted(page.ascending() ? oldestFirst : oldestFirst.reversed()).toList();
        int start = 0;
        if (page.after() != null) {
            int cursor = indexOf(sorted, idOf, page.after());
            if (cursor < 0) return Page.of(List.of(), false);
            start = cursor + 1;
        }
        int end = (int) Math.min(sorted.size(), (long) start + page.limit());
        return Page.of(sorted.subList(start, end), end < sorted.size());
    }

    private static <T> int indexOf(List<T> sorted, Function<T, String> idOf, String id) {
        for (int i = 0; i < sorted.size(); i++) {
            if (idOf.apply(sorted.get(i)).equals(id)) return i;
        }
        return -1;
    }
}
