package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;

/**
 * A prompt the deployment's content filter refused: 400 {@code content_filter} with {@code param: "prompt"}
 * and the filter's findings as {@code innererror.content_filter_result} (docs/safety.md).
 */
public final class ContentFilteredException extends ApiException {
    private final transient ObjectNode result;

    public ContentFilteredException(String message, ObjectNode result) {
        super(ErrorCode.CONTENT_FILTER, message, "prompt");
        this.result = result;
    }

    public ObjectNode result() { return result.deepCopy(); }
}
