package dev.whetstone.testing;

import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** Cursor paging over an in-memory collection, with the SQL stores' rules (unknown cursor: empty page). */
final class Paging {
    private Paging() {}

    /** {@code oldestFirst} orders ascending; the page is taken in that order or its reverse. */
    static <T> Page<T> page(List<T> items, Comparator<T> oldestFirst, Function<T, String> idOf, PageRequest page) {
        return page(items, oldestFirst, idOf, page, item -> true);
    }

    /**
     * Only items that {@code keep} accepts are listed; the cursor is looked up among all items (an item the filter
     * drops still marks where the next page starts, as in the SQL stores).
     */
    static <T> Page<T> page(List<T> items, Comparator<T> oldestFirst, Function<T, String> idOf, PageRequest page,
                            Predicate<T> keep) {
        List<T> sorted = items.stream().sorted(page.ascending() ? oldestFirst : oldestFirst.reversed()).toList();
        int start = 0;
        if (page.after() != null) {
            int cursor = indexOf(sorted, idOf, page.after());
            if (cursor < 0) return Page.of(List.of(), false);
            start = cursor + 1;
        }
        List<T> kept = sorted.subList(start, sorted.size()).stream().filter(keep).toList();
        int end = Math.min(kept.size(), page.limit());
        return Page.of(kept.subList(0, end), end < kept.size());
    }

    private static <T> int indexOf(List<T> sorted, Function<T, String> idOf, String id) {
        for (int i = 0; i < sorted.size(); i++) {
            if (idOf.apply(sorted.get(i)).equals(id)) return i;
        }
        return -1;
    }
}
