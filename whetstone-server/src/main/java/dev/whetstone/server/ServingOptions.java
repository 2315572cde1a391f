package dev.whetstone.server;

import java.time.Duration;

/**
 * How deployments are served.
 *
 * @param maxBatch   sequences decoded together per loaded base model
 * @param maxWaiting generations queued per base model before requests get 429 with retry-after
 * @param timeout    a request (and its generations) still unfinished this long after it arrived ends with 503
 * @param weights    the format base weights are served in: one of {@link #WEIGHT_FORMATS} (docs/inference.md,
 *                   "Served weight formats")
 */
public record ServingOptions(int maxBatch, int maxWaiting, Duration timeout, String weights) {
    /** fp32, bf16, or int8 weight-only (bf16 compute, int8 weights with per-row scales in decode steps). */
    public static final java.util.List<String> WEIGHT_FORMATS = java.util.List.of("fp32", "bf16", "int8");

    public static final ServingOptions DEFAULTS = new ServingOptions(8, 64, Duration.ofMinutes(10));

    /** fp32 weights. */
    public ServingOptions(int maxBatch, int maxWaiting, Duration timeout) {
        this(maxBatch, maxWaiting, timeout, "fp32");
    }

    public ServingOptions {
        if (!WEIGHT_FORMATS.contains(weights)) {
            throw new IllegalArgumentException("the served weight format must be one of " + WEIGHT_FORMATS + ", got '"
                    + weights + "'");
        }
        if (maxBatch < 1) throw new IllegalArgumentException("the inference batch must be at least 1, got " + maxBatch);
        if (maxWaiting < 1) throw new IllegalArgumentException("the inference queue must hold at least 1, got " + maxWaiting);
        if (timeout.toMillis() < 1000) {
            throw new IllegalArgumentException("the inference time-out must be at least 1 second, got " + timeout);
        }
    }
}
