package dev.whetstone.safety;

/**
 * A custom blocklist of an account ({@code …/accounts/{a}/raiBlocklists/{name}}, docs/safety.md).
 *
 * @param createdAt epoch seconds
 * @param updatedAt epoch seconds
 */
public record RaiBlocklist(String account, String name, String description, long createdAt, long updatedAt,
                           String etag) {}
