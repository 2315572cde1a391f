package dev.whetstone.server.api;

import dev.whetstone.deployments.Accounts;
import dev.whetstone.server.auth.Permission;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;
import java.util.List;

/**
 * Registers each operation once per surface (docs/reference/API.md §7, docs/reference/CLIENTS.md 1, 2, 12), checking the api-version where the
 * surface requires one, so handlers are written once and never see the path dialect.
 */
public final class Routes {
    /** The matched route template, for metrics that are not split by ids. */
    public static final String ROUTE_ATTRIBUTE = "whetstone.route";

    private final RoutesConfig routes;
    private final Accounts accounts;

    /** @param accounts the namespaces: an account is recorded at the first request under its ARM path */
    public Routes(RoutesConfig routes, Accounts accounts) {
        this.routes = routes;
        this.accounts = accounts;
    }

    public void get(String path, Call.Handler handler) { add(HandlerType.GET, path, handler, Surface.AUTHORING); }

    public void post(String path, Call.Handler handler) { add(HandlerType.POST, path, handler, Surface.AUTHORING); }

    public void delete(String path, Call.Handler handler) { add(HandlerType.DELETE, path, handler, Surface.AUTHORING); }

    public void add(HandlerType method, String path, Call.Handler handler, List<Surface> surfaces) {
        for (Surface surface : surfaces) {
            String route = surface.prefix() + path;
            Permission needed = RoutePermissions.of(method, path);
            boolean underAccount = path.startsWith(DeploymentsApi.ACCOUNT + "/");
            routes.addHttpHandler(method, route, ctx -> {
                ctx.attribute(ROUTE_ATTRIBUTE, route);
                Auth.authorize(ctx, needed);
                if (underAccount) useAccount(ctx);
                String version = ctx.queryParam("api-version");
                if (surface.requiresApiVersion()) ApiVersions.require(version);
                handler.handle(new Call(ctx, surface, version));
            });
        }
    }

    /**
     * A request under an account's path: the credential must reach that account (403 AuthorizationFailed), and
     * the account is created by this first use, in the path's subscription and resource group.
     */
    private void useAccount(io.javalin.http.Context ctx) {
        String account = ctx.pathParam("account");
        String subscription = ctx.pathParam("subscription");
        String group = ctx.pathParam("resource_group");
        Auth.requireAccount(ctx, account, "/subscriptions/" + subscription + "/resourceGroups/" + group
                + "/providers/Microsoft.CognitiveServices/accounts/" + account);
        accounts.useIfValid(subscription, group, account);
    }
}
