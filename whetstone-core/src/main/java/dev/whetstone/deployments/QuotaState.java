package dev.whetstone.deployments;

/** Rate-limit counters as the {@code x-ratelimit-*} response headers report them. */
public record QuotaState(long limitTokens, long remainingTokens, long limitRequests, long remainingRequests,
                         long resetMillis) {}
