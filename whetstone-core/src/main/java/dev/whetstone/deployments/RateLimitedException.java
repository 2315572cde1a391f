package dev.whetstone.deployments;

import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;

/** 429: the deployment's budget for this window is spent; the API adds {@code retry-after} from it. */
public class RateLimitedException extends ApiException {
    private final QuotaState state;
    private final long retryAfterMillis;

    public RateLimitedException(String message, QuotaState state, long retryAfterMillis) {
        super(ErrorCode.TOO_MANY_REQUESTS, message);
        this.state = state;
        this.retryAfterMillis = retryAfterMillis;
    }

    public QuotaState state() { return state; }

    public long retryAfterMillis() { return retryAfterMillis; }
}
