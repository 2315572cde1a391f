package dev.whetstone.server.api;

import dev.whetstone.error.ApiException;
import dev.whetstone.store.PageRequest;

/** Reads {@code limit}, {@code after} and {@code order} query parameters (docs/reference/API.md 1.4). */
final class Pagination {
    private Pagination() {}

    static PageRequest from(Call call, int defaultLimit, int maxLimit) {
        String rawLimit = call.query("limit");
        int limit = defaultLimit;
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit.strip());
            } catch (NumberFormatException e) {
                throw ApiException.invalid("limit", "'limit' must be an integer from 1 to " + maxLimit + ", got '" + rawLimit + "'.");
            }
            if (limit < 1 || limit > maxLimit) {
                throw ApiException.invalid("limit", "'limit' must be from 1 to " + maxLimit + ", got " + limit + ".");
            }
        }
        String order = call.query("order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw ApiException.invalid("order", "'order' must be 'asc' or 'desc', got '" + order + "'.");
        }
        String after = call.query("after");
        return new PageRequest(after == null || after.isBlank() ? null : after, limit, "asc".equals(order));
    }
}
