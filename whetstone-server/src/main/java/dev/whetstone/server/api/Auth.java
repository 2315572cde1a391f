package dev.whetstone.server.api;

import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/** Every route but the health check needs a key: {@code api-key: K} or {@code Authorization: Bearer K}. */
public final class Auth {
    private final List<byte[]> keys;

    public Auth(Set<String> keys) {
        if (keys.isEmpty()) throw new IllegalArgumentException("at least one API key is required");
        this.keys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    public void check(Context ctx) {
        String presented = ctx.header("api-key");
        if (presented == null) {
            String authorization = ctx.header("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                presented = authorization.substring(7).strip();
            }
        }
        if (presented == null || !matches(presented)) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "Access denied due to invalid subscription key or wrong "
                    + "API endpoint. Make sure to provide a valid key in the 'api-key' header or as "
                    + "'Authorization: Bearer <key>'.");
        }
    }

    private boolean matches(String presented) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] k : keys) ok |= MessageDigest.isEqual(k, p); // constant time: no early exit
        return ok;
    }
}
