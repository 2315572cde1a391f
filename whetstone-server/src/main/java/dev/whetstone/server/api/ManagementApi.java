package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.server.auth.Credentials;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.util.List;

/**
 * What the real Azure CLI asks a custom cloud before and around the deployment routes (docs/deployments.md, "The
 * Azure CLI"): the cloud's metadata ({@code az cloud register --endpoint-resource-manager} reads it), an App
 * Service-style managed-identity token endpoint ({@code az login --identity}); AdfsApi is the other sign-in, and
 * AccountsApi the subscription list a sign-in needs. Both are public: the token endpoint authenticates by its
 * {@code secret} header, a key of the service, and issues a token with that key's role (KeyTokens).
 */
public final class ManagementApi {
    /** The managed-identity endpoint, for {@code MSI_ENDPOINT}. */
    public static final String MSI_PATH = "/msi/token";
    static final String METADATA_PATH = "/metadata/endpoints";

    private final KeyTokens tokens;
    private final String tenant;

    public ManagementApi(Credentials credentials, String tenant, Clock clock) {
        this.tokens = new KeyTokens(credentials, tenant, clock);
        this.tenant = tenant;
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
        Credentials.Identity identity = tokens.identify(secret, "The 'secret' header");
        String resource = call.query("resource");
        if (resource == null || resource.isBlank()) {
            throw ApiException.invalid("resource", "The query parameter 'resource' (the token's audience) is required.");
        }
        ObjectNode out = tokens.issue(identity, resource);
        out.put("resource", resource);
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

    private static String trim(String path) {
        String p = path.replaceAll("/{2,}", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
