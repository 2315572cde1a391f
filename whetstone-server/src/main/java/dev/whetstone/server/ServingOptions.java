package dev.whetstone.server;

import java.time.Duration;

/**
 * How deployments are served.
 *
 * @param maxBatch   sequences decoded together per loaded base model
 * @param maxWaiting generations queued per base model before requests get 429 with retry-after
 * @param timeout    a request (and its generations) still unfinished this long after it arrived ends with 503
 */
public record ServingOptions(int maxBatch, int maxWaiting, Duration timeout) {
    public static final ServingOptions DEFAULTS = new ServingOptions(8, 64, Duration.ofMinutes(10));

    public ServingOptions {
        if (maxBatch < 1) throw new IllegalArgumentException("the inference batch must be at least 1, got " + maxBatch);
        if (maxWaiting < 1) throw new IllegalArgumentException("the inference queue must hold at least 1, got " + maxWaiting);
        if (timeout.toMillis() < 1000) {
            throw new IllegalArgumentException("the inference time-out must be at least 1 second, got " + timeout);
        }
    }
}
