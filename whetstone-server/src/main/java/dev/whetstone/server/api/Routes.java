package dev.whetstone.server.api;

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

    public Routes(RoutesConfig routes) {
        this.routes = routes;
    }

    public void get(String path, Call.Handler handler) { add(HandlerType.GET, path, handler, Surface.AUTHORING); }

    public void post(String path, Call.Handler handler) { add(HandlerType.POST, path, handler, Surface.AUTHORING); }

    public void delete(String path, Call.Handler handler) { add(HandlerType.DELETE, path, handler, Surface.AUTHORING); }

    public void add(HandlerType method, String path, Call.Handler handler, List<Surface> surfaces) {
        for (Surface surface : surfaces) {
            String route = surface.prefix() + path;
            Permission needed = RoutePermissions.of(method, path);
            routes.addHttpHandler(method, route, ctx -> {
                ctx.attribute(ROUTE_ATTRIBUTE, route);
                Auth.authorize(ctx, needed);
                String version = ctx.queryParam("api-version");
                if (surface.requiresApiVersion()) ApiVersions.require(version);
                handler.handle(new Call(ctx, surface, version));
            });
        }
    }
}
