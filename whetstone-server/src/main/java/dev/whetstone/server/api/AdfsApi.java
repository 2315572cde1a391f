package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.server.auth.Credentials;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

/**
 * An ADFS-style authority for {@code az login --service-principal -u <client id> -p <key> --tenant adfs}, with the
 * service registered as a custom cloud whose active directory endpoint is {@code https://…/adfs}
 * (docs/deployments.md, "The Azure CLI"). The CLI resolves the tenant name at
 * {@code /adfs/adfs/.well-known/openid-configuration}; its MSAL reads {@code /adfs/.well-known/openid-configuration}, then
 * sends the OAuth 2.0 client-credentials grant to its {@code token_endpoint}; the client secret is a key of the
 * service (an API key, or an account's key1/key2) and the token carries that key's role (KeyTokens). The client id
 * is required by the protocol but not checked: the key alone authenticates. All four routes are public (the token
 * endpoint checks its own secret).
 */
public final class AdfsApi {
    static final String DISCOVERY = "/adfs/.well-known/openid-configuration";
    /**
     * {@code az login --tenant adfs} resolves a tenant that is not a GUID at {@code {authority}/{tenant}/…} before
     * signing in, and takes the tenant from the issuer's path: for {@code adfs}, the same document answers.
     */
    static final String TENANT_DISCOVERY = "/adfs/adfs/.well-known/openid-configuration";
    static final String TOKEN = "/adfs/oauth2/token";
    static final String AUTHORIZE = "/adfs/oauth2/authorize";

    private final KeyTokens tokens;

    public AdfsApi(Credentials credentials, String tenant, Clock clock) {
        this.tokens = new KeyTokens(credentials, tenant, clock);
    }

    /** The routes that need no credential. */
    public static boolean isPublic(Context ctx) {
        String path = ctx.path().replaceAll("/{2,}", "/");
        return path.equals(DISCOVERY) || path.equals(TENANT_DISCOVERY) || path.equals(TOKEN) || path.equals(AUTHORIZE);
    }

    public void register(Routes routes) {
        List<Surface> root = DeploymentsApi.ARM;
        routes.add(HandlerType.GET, DISCOVERY, this::discovery, root);
        routes.add(HandlerType.GET, TENANT_DISCOVERY, this::discovery, root);
        routes.add(HandlerType.POST, TOKEN, this::token, root);
        routes.add(HandlerType.GET, AUTHORIZE, this::authorize, root);
    }

    /** The OpenID Connect discovery document MSAL reads for an ADFS authority (it needs both endpoints). */
    private void discovery(Call call) {
        String adfs = call.baseUrl() + "/adfs";
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("issuer", adfs);
        out.put("authorization_endpoint", adfs + "/oauth2/authorize");
        out.put("token_endpoint", adfs + "/oauth2/token");
        out.putArray("grant_types_supported").add("client_credentials");
        out.putArray("token_endpoint_auth_methods_supported").add("client_secret_post").add("client_secret_basic");
        out.putArray("response_types_supported").add("token");
        out.putArray("scopes_supported").add("openid");
        call.ctx().json(out);
    }

    /** Interactive sign-in is not offered: there are no users here, only keys. */
    private void authorize(Call call) {
        throw ApiException.invalid(null, "This authority offers no interactive sign-in; sign in with a key: az login "
                + "--service-principal -u <any client id> -p <an API key or account key> --tenant adfs.");
    }

    /**
     * The client-credentials grant (RFC 6749 4.4), as MSAL sends it: a form with {@code grant_type},
     * {@code client_id}, {@code client_secret} (or HTTP Basic) and {@code scope} ({@code <resource>/.default}) or
     * ADFS's {@code resource}. Errors are the service's envelope plus OAuth's {@code error_description}, which
     * the Azure CLI prints.
     */
    private void token(Call call) {
        Context ctx = call.ctx();
        try {
            String type = ctx.contentType();
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                throw ApiException.invalid(null, "The token request must be a form (Content-Type: "
                        + "application/x-www-form-urlencoded), as OAuth 2.0 defines it.");
            }
            String grant = ctx.formParam("grant_type");
            if (!"client_credentials".equals(grant)) {
                throw ApiException.invalid("grant_type", "grant_type '" + grant + "' is not supported; this authority "
                        + "offers only client_credentials.");
            }
            String[] basic = basic(ctx.header("Authorization"));
            String clientId = basic != null ? basic[0] : ctx.formParam("client_id");
            String secret = basic != null ? basic[1] : ctx.formParam("client_secret");
            if (clientId == null || clientId.isBlank()) throw ApiException.invalid("client_id", "client_id is required.");
            if (secret == null || secret.isBlank()) {
                throw new ApiException(ErrorCode.UNAUTHORIZED, "client_secret is required: an API key or account key of "
                        + "this service.", "client_secret");
            }
            Credentials.Identity identity = tokens.identify(secret, "The client_secret");
            ObjectNode out = tokens.issue(identity, audience(ctx.formParam("scope"), ctx.formParam("resource")));
            ctx.header("Cache-Control", "no-store");
            ctx.json(out);
        } catch (ApiException e) {
            ObjectNode body = ErrorMapper.envelope(e.code(), e.getMessage(), e.param());
            body.put("error_description", e.getMessage());
            ctx.status(e.code().httpStatus()).json(body);
        }
    }

    /** {@code https://host/.default} → {@code https://host/}; ADFS's {@code resource} as it is. */
    private static String audience(String scope, String resource) {
        if (resource != null && !resource.isBlank()) return resource.strip();
        if (scope == null || scope.isBlank()) {
            throw ApiException.invalid("scope", "scope (<resource>/.default) or resource is required: the token's audience.");
        }
        for (String s : scope.strip().split("\\s+")) {
            if (s.endsWith("/.default")) return s.substring(0, s.length() - ".default".length());
        }
        throw ApiException.invalid("scope", "scope '" + scope + "' names no resource: expected <resource>/.default.");
    }

    private static String[] basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) throw ApiException.invalid(null, "The Basic credentials are not client_id:client_secret.");
            String id = java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            String secret = java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            return new String[] {id, secret};
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(null, "The Basic credentials are not base64.");
        }
    }
}
