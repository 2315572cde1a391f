package dev.whetstone.deployments;

/**
 * A deployment's rate limit: capacity N allows N × 1000 tokens and N × 6 requests per minute (Azure's Standard
 * ratio). A request is charged its estimate (prompt tokens + max tokens) when admitted, as Azure does, and the
 * unused part is given back when it ends.
 */
public interface TokenQuota {
    /**
     * @return the counters after admitting, for the {@code x-ratelimit-*} headers
     * @throws RateLimitedException (429) when the budget of the current window is spent
     */
    QuotaState admit(int estimatedTokens);

    /** Gives back what an admitted request did not use. */
    void settle(int estimatedTokens, int usedTokens);
}
