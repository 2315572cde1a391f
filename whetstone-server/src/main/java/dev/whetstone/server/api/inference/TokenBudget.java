package dev.whetstone.server.api.inference;

import dev.whetstone.error.ApiException;

/** How many tokens a choice may generate: what was asked (or the default), cut to the room left in the context. */
final class TokenBudget {
    private TokenBudget() {}

    /**
     * A limit above the room left is cut rather than refused: SDKs send fixed limits (4096) whatever the model, and
     * the choice then ends with finish_reason {@code length} as it would at the context's end.
     */
    static int maxTokens(Integer requested, int defaultLimit, int context, int promptTokens, String promptParam) {
        int room = context - promptTokens;
        if (room < 1) {
            throw ApiException.invalid(promptParam, "The prompt takes " + promptTokens + " tokens of the model's context "
                    + "of " + context + " tokens, leaving no room for an answer; shorten it.");
        }
        return Math.min(requested != null ? requested : defaultLimit, room);
    }

    /** What the quota is charged up front per choice when the client set no limit (the rest is settled after). */
    static final int UNSPECIFIED_ESTIMATE = 256;

    /**
     * The per-choice quota estimate: the limit the client asked for, or, when it asked none (the how-to's chat sends
     * none, and chat's default limit is the whole rest of the context), {@link #UNSPECIFIED_ESTIMATE}; tokens
     * generated beyond the estimate are charged when the request ends.
     */
    static int estimate(Integer requested, int limit) {
        return requested != null ? limit : Math.min(limit, UNSPECIFIED_ESTIMATE);
    }
}
