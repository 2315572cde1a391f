package dev.whetstone.server.api.inference;

import java.time.Duration;

/**
 * How the inference endpoints behave beyond the request.
 *
 * @param requestTimeout the most one request may take, queueing included; past it its generations are cancelled
 *                       and the client gets an error (a 503, or an error event when streaming)
 * @param systemFingerprint reported as {@code system_fingerprint}
 */
public record InferenceApiOptions(Duration requestTimeout, String systemFingerprint) {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);

    public InferenceApiOptions {
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the inference request time-out must be positive, got " + requestTimeout);
        }
    }

    public static InferenceApiOptions defaults() {
        return new InferenceApiOptions(DEFAULT_REQUEST_TIMEOUT, "fp_whetstone");
    }

    public InferenceApiOptions withRequestTimeout(Duration timeout) {
        return new InferenceApiOptions(timeout, systemFingerprint);
    }
}
