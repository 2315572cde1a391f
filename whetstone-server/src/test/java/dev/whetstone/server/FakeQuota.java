package dev.whetstone.server;

import dev.whetstone.deployments.QuotaState;
import dev.whetstone.deployments.RateLimitedException;
import dev.whetstone.deployments.TokenQuota;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A quota that admits everything (or nothing, once {@link #exhaust()}ed) and records what it was charged. */
final class FakeQuota implements TokenQuota {
    static final long LIMIT = 10_000;

    record Settlement(int estimated, int used) {}

    final List<Integer> admitted = new CopyOnWriteArrayList<>();
    final List<Settlement> settled = new CopyOnWriteArrayList<>();
    private volatile boolean exhausted;

    void exhaust() { exhausted = true; }

    @Override
    public QuotaState admit(int estimatedTokens) {
        QuotaState state = new QuotaState(LIMIT, LIMIT - estimatedTokens, 60, 59, 60_000);
        if (exhausted) throw new RateLimitedException("Requests to this deployment have exceeded its token rate limit. "
                + "Please retry after 7 seconds.", new QuotaState(LIMIT, 0, 60, 0, 7000), 7000);
        admitted.add(estimatedTokens);
        return state;
    }

    @Override
    public void settle(int estimatedTokens, int usedTokens) {
        settled.add(new Settlement(estimatedTokens, usedTokens));
    }
}
