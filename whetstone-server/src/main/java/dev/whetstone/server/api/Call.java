package dev.whetstone.server.api;

import io.javalin.http.Context;

/** One request as the handlers see it: the Javalin context, the surface it came in on, and its api-version. */
public record Call(Context ctx, Surface surface, String apiVersion) {
    public Flavor flavor() { return surface.flavor(); }

    public boolean azure() { return surface.flavor() == Flavor.AZURE; }

    public String path(String name) { return ctx.pathParam(name); }

    public String query(String name) { return ctx.queryParam(name); }

    /** The endpoint as clients see it (scheme, host, port), for Location headers. */
    public String baseUrl() {
        String host = ctx.header("Host");
        return ctx.scheme() + "://" + (host != null ? host : ctx.host());
    }

    @FunctionalInterface
    public interface Handler {
        void handle(Call call) throws Exception;
    }
}
