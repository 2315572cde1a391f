package dev.whetstone.safety;

/**
 * One entry of a blocklist ({@code …/raiBlocklists/{list}/raiBlocklistItems/{name}}): a term matched
 * case-insensitively as whole words, or a regular expression when {@code regex}.
 */
public record RaiBlocklistItem(String account, String blocklist, String name, String pattern, boolean regex,
                               long createdAt, long updatedAt, String etag) {}
