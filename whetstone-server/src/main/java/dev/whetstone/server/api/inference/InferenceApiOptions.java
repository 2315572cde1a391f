package dev.whetstone.server.api.inference;

import dev.whetstone.data.image.ImageLoader;
import dev.whetstone.data.image.UrlImageLoader;
import java.time.Duration;

/**
 * How the inference endpoints behave beyond the request.
 *
 * @param requestTimeout the most one request may take, queueing included; past it its generations are cancelled
 *                       and the client gets an error (a 503, or an error event when streaming)
 * @param systemFingerprint reported as {@code system_fingerprint}
 * @param images         loads the image parts of requests to vision deployments (the production
 *                       {@link UrlImageLoader}: the outbound rules of file imports and training data)
 */
public record InferenceApiOptions(Duration requestTimeout, String systemFingerprint, ImageLoader images) {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);

    public InferenceApiOptions {
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the inference request time-out must be positive, got " + requestTimeout);
        }
    }

    /** Images through the production loader, private and loopback targets refused. */
    public InferenceApiOptions(Duration requestTimeout, String systemFingerprint) {
        this(requestTimeout, systemFingerprint, UrlImageLoader.withDefaults(false));
    }

    public static InferenceApiOptions defaults() {
        return new InferenceApiOptions(DEFAULT_REQUEST_TIMEOUT, "fp_whetstone");
    }

    public InferenceApiOptions withRequestTimeout(Duration timeout) {
        return new InferenceApiOptions(timeout, systemFingerprint, images);
    }

    public InferenceApiOptions withImages(ImageLoader loader) {
        return new InferenceApiOptions(requestTimeout, systemFingerprint, loader);
    }
}
