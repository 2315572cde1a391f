package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.deployments.QuotaState;
import dev.whetstone.deployments.RateLimitedException;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into the error envelope both SDK families read (docs/reference/CLIENTS.md 10):
 * {@code {"error":{"code","message","param","type"}}} with Azure's code names. Never a stack trace.
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

    public static void apiException(ApiException e, Context ctx) {
        if (e instanceof RateLimitedException limited) rateLimitHeaders(limited, ctx);
        if (e instanceof ContentFilteredException filtered) {
            // Azure's live spelling (docs/reference/API.md 1.5, difference 6): innererror, content_filter_result, status.
            write(ctx, e.code().httpStatus(), e.code(), e.getMessage(), e.param(), error -> {
                error.put("status", e.code().httpStatus());
                ObjectNode inner = error.putObject("innererror");
                inner.put("code", "ResponsibleAIPolicyViolation");
                inner.set("content_filter_result", filtered.result());
            });
            return;
        }
        write(ctx, e.code(), e.getMessage(), e.param());
    }

    /**
     * What Azure sends with a 429 and both SDKs honour (docs/reference/CLIENTS.md 10): {@code retry-after} in whole seconds
     * (rounded up, so a client never retries early), {@code retry-after-ms}, and the remaining budget.
     */
    static void rateLimitHeaders(RateLimitedException e, Context ctx) {
        long ms = Math.max(0, e.retryAfterMillis());
        ctx.header("retry-after", Long.toString((ms + 999) / 1000));
        ctx.header("retry-after-ms", Long.toString(ms));
        QuotaState s = e.state();
        if (s == null) return;
        ctx.header("x-ratelimit-limit-tokens", Long.toString(s.limitTokens()));
        ctx.header("x-ratelimit-remaining-tokens", Long.toString(s.remainingTokens()));
        ctx.header("x-ratelimit-limit-requests", Long.toString(s.limitRequests()));
        ctx.header("x-ratelimit-remaining-requests", Long.toString(s.remainingRequests()));
        ctx.header("x-ratelimit-reset-tokens", Long.toString((s.resetMillis() + 999) / 1000));
    }

    public static void javalinException(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        ErrorCode code = codeFor(status);
        String message = e.getMessage();
        if (code == ErrorCode.NOT_FOUND) {
            message = "No such resource: " + ctx.method() + " " + ctx.path() + ". See the API reference for the supported paths.";
        } else if (code == ErrorCode.METHOD_NOT_ALLOWED) {
            // Javalin names its list after the Accept header: "Available methods" for browsers, else "availableMethods".
            String listed = e.getDetails().getOrDefault("availableMethods", e.getDetails().get("Available methods"));
            String allowed = listed == null ? null : String.join(", ", listed.split("\\s*,\\s*"));
            if (allowed != null) ctx.header("Allow", allowed);
            message = "The method " + ctx.method() + " is not allowed on " + ctx.path()
                    + (allowed == null ? "." : "; this path allows " + allowed + ".");
        }
        write(ctx, status >= 400 && status < 500 ? status : code.httpStatus(), code, message, null, error -> {});
    }

    public static void unexpected(Exception e, Context ctx) {
        LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
        // Nothing was created when we get here with an unknown failure, but tell SDKs not to retry blindly.
        ctx.header("x-should-retry", "false");
        write(ctx, ErrorCode.INTERNAL_FAILURE, "The service failed unexpectedly (request id "
                + ctx.res().getHeader("x-request-id") + "). The failure was logged.", null);
    }

    /**
     * The code for an HTTP status that did not come from our own ApiException (Javalin's router, Jetty's parser).
     * A client error without a code of its own is {@code invalidPayload}, the Azure code for a bad request; the
     * status stays precise.
     */
    public static ErrorCode codeFor(int status) {
        return switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL_FAILURE : ErrorCode.INVALID_PAYLOAD;
        };
    }

    public static void write(Context ctx, ErrorCode code, String message, String param) {
        write(ctx, code.httpStatus(), code, message, param, error -> {});
    }

    /** @param extra adds fields beside code, message, param and type (a content filter's innererror) */
    private static void write(Context ctx, int status, ErrorCode code, String message, String param,
                              Consumer<ObjectNode> extra) {
        ctx.status(status).contentType("application/json").result(envelope(code, message, param, extra).toString());
    }

    /** {@code {"error":{"code","message","param","type"}}}; a blank message becomes the code's name. */
    public static ObjectNode envelope(ErrorCode code, String message, String param) {
        return envelope(code, message, param, error -> {});
    }

    private static ObjectNode envelope(ErrorCode code, String message, String param, Consumer<ObjectNode> extra) {
        ObjectNode error = Json.MAPPER.createObjectNode();
        error.put("code", code.wireName());
        error.put("message", message == null || message.isBlank() ? code.wireName() : message);
        error.put("param", param);
        error.put("type", openAiType(code));
        extra.accept(error);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("error", error);
        return body;
    }

    private static String openAiType(ErrorCode code) {
        return switch (code) {
            case TOO_MANY_REQUESTS -> "rate_limit_exceeded";
            case QUOTA_EXCEEDED -> "insufficient_quota";
            case INTERNAL_FAILURE, SERVICE_UNAVAILABLE -> "server_error";
            default -> "invalid_request_error";
        };
    }
}
