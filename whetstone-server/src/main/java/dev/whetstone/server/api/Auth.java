package dev.whetstone.server.api;

import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Credentials;
import dev.whetstone.server.auth.Role;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Optional;

/**
 * Every route but the health check needs a credential: {@code api-key: K} or {@code Authorization: Bearer K}, where
 * K is an API key or a token the service signed (the Resource Manager routes' form, docs/reference/API.md 1.2). Inference-only
 * keys and tokens may call only the completion endpoints; anything else is 403.
 */
public final class Auth {
    private static final String MISSING = "Access denied due to invalid subscription key or wrong API endpoint. Make "
            + "sure to provide a valid key in the 'api-key' header or as 'Authorization: Bearer <key or token>'.";

    private final Credentials credentials;

    public Auth(Credentials credentials) {
        this.credentials = credentials;
    }

    public void check(Context ctx) {
        String presented = presented(ctx);
        if (presented == null) throw new ApiException(ErrorCode.UNAUTHORIZED, MISSING);
        Optional<Role> role;
        try {
            role = credentials.roleOf(presented);
        } catch (AccessTokens.InvalidTokenException e) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "Access denied: " + e.getMessage() + ".");
        }
        if (role.isEmpty()) throw new ApiException(ErrorCode.UNAUTHORIZED, MISSING);
        if (role.get() == Role.INFERENCE && !isInference(ctx)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "This key or token is limited to inference: it may call only "
                    + "POST …/chat/completions and …/completions, not " + ctx.method() + " " + ctx.path()
                    + ". Use an admin key or a token minted with `whetstone token --role admin`.");
        }
    }

    private static String presented(Context ctx) {
        String key = ctx.header("api-key");
        if (key != null && !key.isBlank()) return key.strip();
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String bearer = authorization.substring(7).strip();
            return bearer.isEmpty() ? null : bearer;
        }
        return null;
    }

    /** The completion endpoints on every surface: {@code /openai/deployments/{d}/…}, {@code /v1/…}, root. */
    static boolean isInference(Context ctx) {
        String path = ctx.path();
        return ctx.method() == HandlerType.POST && (path.endsWith("/chat/completions") || path.endsWith("/completions"));
    }
}
