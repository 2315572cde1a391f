package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import io.javalin.http.Context;
import java.io.IOException;

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

    /** The JSON object body, parsed strictly; an absent body is an empty object (docs/reference/CLIENTS.md 5). */
    public ObjectNode jsonBody() {
        try {
            return Json.object(ctx.req().getInputStream());
        } catch (IOException e) {
            throw ApiException.invalid(null, "The request body could not be read: " + e.getMessage());
        }
    }

    /** Answers a create: Azure 201 with a Location header, OpenAI 200 (docs/reference/API.md §7). */
    public void created(ObjectNode body, String location) {
        if (azure()) {
            ctx.status(201);
            ctx.header("Location", baseUrl() + location);
        }
        ctx.json(body);
    }

    @FunctionalInterface
    public interface Handler {
        void handle(Call call) throws Exception;
    }
}
