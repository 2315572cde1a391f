package dev.whetstone.server.api.inference;

import dev.whetstone.engine.inference.EngineBusyException;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.InvalidPromptException;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import io.javalin.http.Context;

/**
 * The engine's failures as API errors. A full engine queue is 429 with {@code retry-after: 1} rather than 503: it
 * is momentary back-pressure, and both SDKs retry a 429 after the delay the header gives (docs/reference/CLIENTS.md 10).
 */
final class EngineErrors {
    static final String BUSY_RETRY_AFTER_SECONDS = "1";

    private EngineErrors() {}

    /**
     * @param promptParam the request field the prompt came from ({@code messages} or {@code prompt[i]})
     * @param ctx         where the retry-after header goes; null once a stream has started (headers are sent)
     */
    static ApiException toApi(InferenceException e, String promptParam, Context ctx) {
        if (e instanceof InvalidPromptException) return ApiException.invalid(promptParam, e.getMessage());
        if (e instanceof EngineBusyException) {
            if (ctx != null) ctx.header("retry-after", BUSY_RETRY_AFTER_SECONDS);
            return new ApiException(ErrorCode.TOO_MANY_REQUESTS, "The model is serving as many requests as it can "
                    + "queue (" + e.getMessage() + "); retry after " + BUSY_RETRY_AFTER_SECONDS + " second.");
        }
        return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "The model could not generate: " + e.getMessage());
    }
}
