package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.server.auth.Credentials;
import dev.whetstone.server.auth.Role;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the real Azure CLI asks a custom cloud before and around the deployment routes (docs/deployments.md, "The
 * Azure CLI"): the cloud's metadata ({@code az cloud register --endpoint-resource-manager} reads it), an App
 * Service-style managed-identity token endpoint ({@code az login --identity}), and the subscription list a sign-in
 * needs (it fails on an empty one). Only the first two are public: the token endpoint authenticates by its
 * {@code secret} header, an API key of the service, and issues a token with that key's role.
 */
public final class ManagementApi {
    /** The managed-identity endpoint, for {@code MSI_ENDPOINT}. */
    public static final String MSI_PATH = "/msi/token";
    static final String METADATA_PATH = "/metadata/endpoints";
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    private final Credentials credentials;
    private final String subscription;
    private final String tenant;
    private final Clock clock;

    public ManagementApi(Credentials credentials, String subscription, String tenant, Clock clock) {
        this.credentials = credentials;
        this.subscription = subscription;
        this.tenant = tenant;
        this.clock = clock;
    }

    /** The routes that need no credential: the cloud's metadata and the token endpoint (it checks its own secret). */
    public static boolean isPublic(Context ctx) {
        String path = trim(ctx.path());
        return (path.equals(METADATA_PATH) && ctx.method() == HandlerType.GET) || path.equals(MSI_PATH);
    }

    public void register(Routes routes) {
        List<Surface> root = DeploymentsApi.ARM;
        routes.add(HandlerType.GET, METADATA_PATH, this::metadata, root);
        routes.add(HandlerType.GET, MSI_PATH, this::msiToken, root);
        routes.add(HandlerType.POST, MSI_PATH, this::msiForm, root);
        routes.add(HandlerType.GET, "/subscriptions", this::subscriptions, root);
        routes.add(HandlerType.GET, "/subscriptions/{subscription}", this::subscription, root);
    }

    /**
     * The endpoints document ({@code GET /metadata/endpoints?api-version=…}) of Azure's public cloud, pointing at
     * this service: the CLI takes its sign-in endpoint and token audience from it, so registering the cloud needs
     * only {@code --endpoint-resource-manager}.
     */
    private void metadata(Call call) {
        String base = call.baseUrl() + "/";
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("name", "Whetstone");
        out.put("galleryEndpoint", base);
        out.put("graphEndpoint", base);
        out.put("portalEndpoint", base);
        out.put("resourceManager", base);
        ObjectNode auth = out.putObject("authentication");
        auth.put("loginEndpoint", base);
        auth.putArray("audiences").add(base);
        auth.put("tenant", tenant);
        auth.put("identityProvider", "AAD");
        call.ctx().json(out);
    }

    /**
     * App Service's managed-identity protocol (api-version 2017-09-01), which the Azure CLI speaks when
     * {@code MSI_ENDPOINT}, {@code MSI_SECRET} and {@code APPSETTING_WEBSITE_SITE_NAME} are set:
     * {@code GET {MSI_ENDPOINT}/?resource=R&api-version=2017-09-01} with the header {@code secret: MSI_SECRET}.
     */
    private void msiToken(Call call) {
        String secret = call.ctx().header("secret");
        if (secret == null || secret.isBlank()) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "The managed-identity endpoint needs the header 'secret' "
                    + "with an API key of this service (the Azure CLI sends MSI_SECRET there when "
                    + "APPSETTING_WEBSITE_SITE_NAME is also set).");
        }
        Optional<Role> role = credentials.keyRole(secret.strip());
        if (role.isEmpty()) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "The 'secret' header is not an API key of this service.");
        }
        String resource = call.query("resource");
        if (resource == null || resource.isBlank()) {
            throw ApiException.invalid("resource", "The query parameter 'resource' (the token's audience) is required.");
        }
        if (credentials.tokens() == null) {
            throw new ApiException(ErrorCode.FORBIDDEN, "This service signs no tokens.");
        }
        long expires = clock.instant().plus(TOKEN_LIFETIME).getEpochSecond();
        String token = credentials.tokens().mint(role.get(), TOKEN_LIFETIME, tenant, resource);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("access_token", token);
        out.put("expires_on", Long.toString(expires));
        out.put("expires_in", Long.toString(TOKEN_LIFETIME.toSeconds()));
        out.put("resource", resource);
        out.put("token_type", "Bearer");
        out.put("client_id", "whetstone");
        call.ctx().header("Cache-Control", "no-store");
        call.ctx().json(out);
    }

    /**
     * The other managed-identity form the CLI sends (a form POST with {@code Metadata: true}, when only
     * {@code MSI_ENDPOINT} is set) carries no secret, so anyone reaching the port could take a token: refused,
     * saying what to set instead.
     */
    private void msiForm(Call call) {
        throw ApiException.invalid(null, "This managed-identity endpoint needs a secret, which the form POST cannot "
                + "carry. Set APPSETTING_WEBSITE_SITE_NAME=whetstone and MSI_SECRET=<an API key of this service> "
                + "beside MSI_ENDPOINT, so that the Azure CLI sends GET with the 'secret' header.");
    }

    /** {@code GET /subscriptions?api-version=2019-11-01}: the one subscription of this service. */
    private void subscriptions(Call call) {
        ArmVersions.requireAny(call.query("api-version"));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode value = out.putArray("value");
        value.add(subscriptionJson());
        ObjectNode count = out.putObject("count");
        count.put("type", "Total");
        count.put("value", 1);
        call.ctx().json(out);
    }

    private void subscription(Call call) {
        ArmVersions.requireAny(call.query("api-version"));
        String id = call.path("subscription");
        if (!id.equalsIgnoreCase(subscription)) {
            throw new ApiException(ErrorCode.NOT_FOUND, "The subscription '" + id + "' could not be found; this "
                    + "service has '" + subscription + "'.", null);
        }
        call.ctx().json(subscriptionJson());
    }

    private ObjectNode subscriptionJson() {
        ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("id", "/subscriptions/" + subscription);
        s.put("authorizationSource", "RoleBased");
        s.putArray("managedByTenants");
        s.put("subscriptionId", subscription);
        s.put("tenantId", tenant);
        s.put("displayName", "Whetstone");
        s.put("state", "Enabled");
        ObjectNode policies = s.putObject("subscriptionPolicies");
        policies.put("locationPlacementId", "Public_2014-09-01");
        policies.put("quotaId", "Internal_2014-09-01");
        policies.put("spendingLimit", "Off");
        return s;
    }

    private static String trim(String path) {
        String p = path.replaceAll("/{2,}", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
