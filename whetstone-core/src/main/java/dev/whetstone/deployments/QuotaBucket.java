package dev.whetstone.deployments;

/**
 * The arithmetic of a deployment's two token buckets, as a value: N × 1000 tokens and N × 6 requests per minute for
 * capacity N (Azure's Standard ratio), refilled continuously. A full bucket holds one minute's budget, so a burst of
 * up to a minute's worth passes at once and the rest follows at the steady rate. {@link BucketQuota} keeps one in
 * memory; {@link SharedQuotas} keeps one per deployment in the database, so every replica applies the same rules.
 *
 * <p>A request is charged its estimate (prompt + max tokens) on admission and refunded what it did not use, or
 * charged what it used beyond it (then the bucket may go below zero, down to minus one minute's budget). An
 * estimate larger than a whole minute's budget is charged the whole budget (it waits for a full bucket) instead of
 * being refused forever.
 *
 * @param refilledAt epoch milliseconds the counters were last brought up to date; it never moves backwards, so a
 *                   replica whose clock lags gets no refill until its clock passes it (clock skew between replicas
 *                   can add at most skew × rate once, never once per alternation)
 */
public record QuotaBucket(long tokenLimit, long requestLimit, double tokens, double requests, long refilledAt) {
    static final long TOKENS_PER_UNIT = 1000;
    static final long REQUESTS_PER_UNIT = 6;
    private static final double MINUTE_MS = 60_000.0;

    /** A full bucket for {@code capacity}. */
    public static QuotaBucket full(int capacity, long nowMillis) {
        long tokenLimit = tokenLimit(capacity);
        long requestLimit = capacity * REQUESTS_PER_UNIT;
        return new QuotaBucket(tokenLimit, requestLimit, tokenLimit, requestLimit, nowMillis);
    }

    public int capacity() { return (int) (tokenLimit / TOKENS_PER_UNIT); }

    /** The counters refilled for the time since {@link #refilledAt}. */
    public QuotaBucket refilled(long nowMillis) {
        long elapsed = Math.max(0, nowMillis - refilledAt);
        return new QuotaBucket(tokenLimit, requestLimit, Math.min(tokenLimit, tokens + elapsed * tokenLimit / MINUTE_MS),
                Math.min(requestLimit, requests + elapsed * requestLimit / MINUTE_MS), Math.max(refilledAt, nowMillis));
    }

    /** A PUT changed the capacity: the limits follow at once; what is left grows or shrinks by the difference. */
    public QuotaBucket resized(int capacity, long nowMillis) {
        QuotaBucket b = refilled(nowMillis);
        long newTokens = tokenLimit(capacity);
        long newRequests = capacity * REQUESTS_PER_UNIT;
        return new QuotaBucket(newTokens, newRequests, Math.clamp(b.tokens + (newTokens - tokenLimit), 0, newTokens),
                Math.clamp(b.requests + (newRequests - requestLimit), 0, newRequests), b.refilledAt);
    }

    /**
     * The bucket after admitting a request charged {@code estimatedTokens}.
     *
     * @throws RateLimitedException when the tokens or the requests left do not cover it, with the wait until they do
     */
    public QuotaBucket admitted(int estimatedTokens, long nowMillis) {
        QuotaBucket b = refilled(nowMillis);
        double charge = charge(estimatedTokens);
        if (b.tokens < charge || b.requests < 1) {
            long waitMs = Math.max(waitMillis(charge - b.tokens, tokenLimit), waitMillis(1 - b.requests, requestLimit));
            throw new RateLimitedException(String.format("Requests to this deployment have exceeded its rate limit of "
                    + "%d tokens and %d requests per minute (capacity %d; this request is charged %d tokens: prompt "
                    + "+ max_tokens). Please retry after %d seconds, lower max_tokens, or raise the deployment's "
                    + "sku.capacity.", tokenLimit, requestLimit, tokenLimit / TOKENS_PER_UNIT, (long) charge,
                    (waitMs + 999) / 1000), b.state(nowMillis), waitMs);
        }
        return new QuotaBucket(tokenLimit, requestLimit, b.tokens - charge, b.requests - 1, b.refilledAt);
    }

    /** Unused estimate flows back; use beyond it (no max_tokens given) is owed, down to one minute's budget. */
    public QuotaBucket settled(int estimatedTokens, int usedTokens, long nowMillis) {
        QuotaBucket b = refilled(nowMillis);
        double unused = charge(estimatedTokens) - Math.max(0, usedTokens);
        return new QuotaBucket(tokenLimit, requestLimit, Math.clamp(b.tokens + unused, -tokenLimit, tokenLimit),
                b.requests, b.refilledAt);
    }

    /** The counters at {@code nowMillis}, for the {@code x-ratelimit-*} headers. */
    public QuotaState state(long nowMillis) {
        QuotaBucket b = refilled(nowMillis);
        long resetMs = Math.max(waitMillis(tokenLimit - b.tokens, tokenLimit), waitMillis(requestLimit - b.requests, requestLimit));
        return new QuotaState(tokenLimit, Math.max(0, (long) Math.floor(b.tokens)), requestLimit,
                (long) Math.floor(b.requests), resetMs);
    }

    private double charge(int estimatedTokens) {
        return Math.min(Math.max(estimatedTokens, 0), tokenLimit);
    }

    private static long tokenLimit(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        return capacity * TOKENS_PER_UNIT;
    }

    /** Milliseconds until {@code missing} units have refilled at {@code perMinute}; 0 when nothing is missing. */
    private static long waitMillis(double missing, long perMinute) {
        return missing <= 0 ? 0 : (long) Math.ceil(missing * MINUTE_MS / perMinute);
    }
}
