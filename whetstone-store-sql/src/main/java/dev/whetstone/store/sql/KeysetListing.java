package dev.whetstone.store.sql;

import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * One keyset-paginated listing, shared by every store's {@code list}: the query for each direction, run with
 * {@code :after} and one row over {@code :limit}, so that the extra row tells whether more follow.
 *
 * <p>The template takes the select columns ({@code %1$s}), the cursor comparison ({@code %2$s}: {@code >} or
 * {@code <}) and the sort direction ({@code %3$s}: {@code ASC} or {@code DESC}).
 */
record KeysetListing(String ascending, String descending) {
    static KeysetListing of(String template, String columns) {
        return new KeysetListing(template.formatted(columns, ">", "ASC"), template.formatted(columns, "<", "DESC"));
    }

    /** {@code filters} binds the listing's own parameters (job id, purpose) besides the cursor and the limit. */
    <T> Page<T> page(Jdbi jdbi, PageRequest page, RowMapper<T> mapper, UnaryOperator<Query> filters) {
        List<T> rows = jdbi.withHandle(h -> filters.apply(h.createQuery(page.ascending() ? ascending : descending))
                .bind("after", page.after())
                .bind("limit", page.limit() + 1)
                .map(mapper)
                .list());
        boolean hasMore = rows.size() > page.limit();
        return Page.of(hasMore ? rows.subList(0, page.limit()) : rows, hasMore);
    }
}
