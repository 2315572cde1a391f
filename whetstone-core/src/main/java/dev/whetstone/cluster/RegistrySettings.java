package dev.whetstone.cluster;

import java.time.Duration;

/**
 * How processes keep their registry rows fresh.
 *
 * @param heartbeat  how often a process rewrites its row
 * @param staleAfter a row whose heartbeat is older is shown as stale (the process has most likely died)
 * @param pruneAfter a row whose heartbeat is older is deleted by any live process
 */
public record RegistrySettings(Duration heartbeat, Duration staleAfter, Duration pruneAfter) {
    public static final RegistrySettings DEFAULTS = new RegistrySettings(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofHours(1));

    public RegistrySettings {
        if (heartbeat.isZero() || heartbeat.isNegative() || staleAfter.compareTo(heartbeat) <= 0
                || pruneAfter.compareTo(staleAfter) < 0) {
            throw new IllegalArgumentException("registry times must satisfy 0 < heartbeat < staleAfter <= pruneAfter, got "
                    + heartbeat + ", " + staleAfter + ", " + pruneAfter);
        }
    }
}
