package dev.whetstone.server.api;

import dev.whetstone.deployments.AccountScope;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Credentials;
import dev.whetstone.server.auth.Permission;
import dev.whetstone.server.auth.Role;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every route but the public ones needs a credential: {@code api-key: K} or {@code Authorization: Bearer K}, where K
 * is an API key, a token the service signed, or a token of the configured identity provider (docs/security.md).
 * {@link #check} authenticates (401) before routing; {@link #authorize} runs in each route (Routes) with the
 * route's permission (403 naming the roles that grant it).
 */
public final class Auth {
    private static final String ROLES = "whetstone.roles";
    private static final String ACCOUNT = "whetstone.account";
    private static final String MISSING = "Access denied due to invalid subscription key or wrong API endpoint. Make "
            + "sure to provide a valid key in the 'api-key' header or as 'Authorization: Bearer <key or token>'.";

    private final Credentials credentials;

    public Auth(Credentials credentials) {
        this.credentials = credentials;
    }

    /** Authenticates the request and remembers its roles for {@link #authorize}. */
    public void check(Context ctx) {
        String presented = presented(ctx);
        if (presented == null) throw new ApiException(ErrorCode.UNAUTHORIZED, MISSING);
        Optional<Credentials.Identity> identity;
        try {
            identity = credentials.identify(presented);
        } catch (AccessTokens.InvalidTokenException e) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "Access denied: " + e.getMessage() + ".");
        }
        if (identity.isEmpty()) throw new ApiException(ErrorCode.UNAUTHORIZED, MISSING);
        ctx.attribute(ROLES, identity.get().roles());
        if (identity.get().account() != null) ctx.attribute(ACCOUNT, identity.get().account());
    }

    /** The accounts the request's credential reaches (an account key or a token minted for one: that one). */
    static AccountScope scope(Context ctx) {
        String account = ctx.attribute(ACCOUNT);
        return account == null ? AccountScope.ALL : new AccountScope(account);
    }

    /**
     * 403 AuthorizationFailed, as ARM answers, when the credential is limited to another account than the one
     * the Resource Manager path names.
     */
    static void requireAccount(Context ctx, String account, String scopePath) {
        if (scope(ctx).mayRead(account)) return;
        throw new ApiException(ErrorCode.AUTHORIZATION_FAILED, "The client does not have authorization to perform "
                + "action '" + action(ctx) + "' over scope '" + scopePath + "' or the scope is invalid. If access was "
                + "recently granted, please refresh your credentials. (This key or token reaches only account '"
                + scope(ctx).account() + "'.)");
    }

    private static String action(Context ctx) {
        return "Microsoft.CognitiveServices/accounts/" + (ctx.method() == io.javalin.http.HandlerType.GET ? "read" : "write");
    }

    /** 403 unless one of the request's roles grants {@code needed}; no-op for a public route (null). */
    static void authorize(Context ctx, Permission needed) {
        if (needed == null) return;
        Set<Role> roles = ctx.attribute(ROLES);
        if (roles == null) throw new ApiException(ErrorCode.UNAUTHORIZED, MISSING);
        for (Role r : roles) {
            if (r.grants(needed)) return;
        }
        String held = roles.stream().map(r -> r.wireName() + (r == Role.INFERENCE ? " (limited to inference)" : ""))
                .sorted().collect(Collectors.joining(", "));
        String granting = needed.grantedBy().stream().filter(r -> r != Role.ADMIN && r != Role.INFERENCE)
                .map(r -> "'" + r.azureName() + "' (" + r.wireName() + ")").collect(Collectors.joining(" or "));
        throw new ApiException(ErrorCode.FORBIDDEN, ctx.method() + " " + ctx.path() + " needs the role " + granting
                + ", which may " + needed.description() + "; this key or token has the role " + held + ".");
    }

    /** For routes outside the route table ({@code /metrics}). */
    public static void authorizeOutsideRoutes(Context ctx, Permission needed) {
        authorize(ctx, needed);
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
}
