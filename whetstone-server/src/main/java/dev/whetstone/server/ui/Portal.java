package dev.whetstone.server.ui;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web portal: its page at {@code /}, its scripts and styles under {@code /portal/}, the chart library from its
 * webjar under {@code /webjars/}. These are public (they hold no data); the page signs in with the API key and then
 * calls the same API as every other client, so the API keeps requiring the key. None of these paths collides with
 * an API route: the root surface serves {@code /files}, {@code /models}, {@code /fine_tuning/…} and the like.
 */
public final class Portal {
    static final String ASSETS = "/portal";
    static final String WEBJARS = "/webjars/";
    /** Scripts and styles only from this origin; uPlot sets element styles, which CSP's style-src governs. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; "
            + "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private final byte[] page;

    private Portal(byte[] page) {
        this.page = page;
    }

    /** Registers the page, the assets and the webjars on the app being configured. */
    public static void register(JavalinConfig c) {
        Portal portal = new Portal(resource(ASSETS + "/index.html"));
        c.staticFiles.add(s -> {
            s.hostedPath = ASSETS;
            s.directory = ASSETS;
            s.location = Location.CLASSPATH;
            // Assets change with each release of the jar; revalidating keeps a browser from mixing two versions.
            s.headers = Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff");
        });
        c.staticFiles.enableWebjars();
        c.routes.get("/", portal::page);
    }

    /** True for the unauthenticated reads of the portal's own files. */
    public static boolean isPublic(Context ctx) {
        HandlerType method = ctx.method();
        if (method != HandlerType.GET && method != HandlerType.HEAD) return false;
        String path = ctx.path();
        return path.equals("/") || path.startsWith(ASSETS + "/") || path.startsWith(WEBJARS);
    }

    private void page(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    private static byte[] resource(String path) {
        try (InputStream in = Portal.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("The portal page " + path + " is missing from the server jar; "
                    + "rebuild whetstone-server.");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the portal page " + path + " failed", e);
        }
    }
}
