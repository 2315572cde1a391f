package dev.whetstone.deployments;

import java.time.Clock;

/**
 * {@link TokenQuota} as two token buckets refilled continuously: N × 1000 tokens and N × 6 requests per minute for
 * capacity N (Azure's Standard ratio). A full bucket holds one minute's budget, so a burst of up to a minute's worth
 * passes at once and the rest follows at the steady rate.
 *
 * <p>A request is charged its estimate (prompt + max tokens) on admission and refunded what it did not use, or
 * charged what it used beyond it (then the bucket may go below zero, down to minus one minute's budget). An
 * estimate larger than a whole minute's budget is charged the whole budget (it waits for a full bucket) instead of
 * being refused forever.
 */
public final class BucketQuota implements TokenQuota {
    static final long TOKENS_PER_UNIT = 1000;
    static final long REQUESTS_PER_UNIT = 6;
    private static final double MINUTE_MS = 60_000.0;

    private final Clock clock;
    private long tokenLimit;
    private long requestLimit;
    private double tokens;
    private double requests;
    private long refilledAt;

    public BucketQuota(int capacity, Clock clock) {
        this.clock = clock;
        this.refilledAt = clock.millis();
        setLimits(capacity);
        this.tokens = tokenLimit;
        this.requests = requestLimit;
    }

    public synchronized int capacity() { return (int) (tokenLimit / TOKENS_PER_UNIT); }

    /** A PUT changed the capacity: the limits follow at once; what is left grows or shrinks by the difference. */
    public synchronized void setCapacity(int capacity) {
        refill();
        long oldTokens = tokenLimit;
        long oldRequests = requestLimit;
        setLimits(capacity);
        tokens = Math.clamp(tokens + (tokenLimit - oldTokens), 0, tokenLimit);
        requests = Math.clamp(requests + (requestLimit - oldRequests), 0, requestLimit);
    }

    private void setLimits(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        tokenLimit = capacity * TOKENS_PER_UNIT;
        requestLimit = capacity * REQUESTS_PER_UNIT;
    }

    @Override
    public synchronized QuotaState admit(int estimatedTokens) {
        refill();
        double charge = charge(estimatedTokens);
        if (tokens < charge || requests < 1) {
            long waitMs = Math.max(waitMillis(charge - tokens, tokenLimit), waitMillis(1 - requests, requestLimit));
            throw new RateLimitedException(String.format("Requests to this deployment have exceeded its rate limit of "
                    + "%d tokens and %d requests per minute (capacity %d; this request is charged %d tokens: prompt "
                    + "+ max_tokens). Please retry after %d seconds, lower max_tokens, or raise the deployment's "
                    + "sku.capacity.", tokenLimit, requestLimit, tokenLimit / TOKENS_PER_UNIT, (long) charge,
                    (waitMs + 999) / 1000), state(), waitMs);
        }
        tokens -= charge;
        requests -= 1;
        return state();
    }

    @Override
    public synchronized void settle(int estimatedTokens, int usedTokens) {
        refill();
        // Unused estimate flows back; use beyond it (no max_tokens given) is owed, down to one minute's budget.
        double unused = charge(estimatedTokens) - Math.max(0, usedTokens);
        tokens = Math.clamp(tokens + unused, -tokenLimit, tokenLimit);
    }

    /** The counters now, for the {@code x-ratelimit-*} headers. */
    public synchronized QuotaState state() {
        refill();
        long resetMs = Math.max(waitMillis(tokenLimit - tokens, tokenLimit), waitMillis(requestLimit - requests, requestLimit));
        return new QuotaState(tokenLimit, Math.max(0, (long) Math.floor(tokens)), requestLimit, (long) Math.floor(requests), resetMs);
    }

    private double charge(int estimatedTokens) {
        return Math.min(Math.max(estimatedTokens, 0), tokenLimit);
    }

    private void refill() {
        long now = clock.millis();
        long elapsed = Math.max(0, now - refilledAt);
        refilledAt = now;
        tokens = Math.min(tokenLimit, tokens + elapsed * tokenLimit / MINUTE_MS);
        requests = Math.min(requestLimit, requests + elapsed * requestLimit / MINUTE_MS);
    }

    /** Milliseconds until {@code missing} units have refilled at {@code perMinute}; 0 when nothing is missing. */
    private static long waitMillis(double missing, long perMinute) {
        return missing <= 0 ? 0 : (long) Math.ceil(missing * MINUTE_MS / perMinute);
    }
}
