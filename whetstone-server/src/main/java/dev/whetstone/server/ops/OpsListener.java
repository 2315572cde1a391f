package dev.whetstone.server.ops;

import dev.whetstone.server.api.ErrorMapper;
import dev.whetstone.server.api.Json;
import dev.whetstone.server.http.EnvelopeErrorHandler;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;

/**
 * The small HTTP listener of a {@code whetstone worker} process ({@code --metrics-port}): {@code /livez},
 * {@code /readyz} and {@code /metrics}, without credentials (a worker has no API keys), so bind it to a private
 * address (docs/operations.md). Anything else is a 404 in the error envelope.
 */
public final class OpsListener implements AutoCloseable {
    private final Javalin app;

    private OpsListener(Javalin app) {
        this.app = app;
    }

    public static OpsListener start(String host, int port, ProcessOps ops) {
        Javalin app = Javalin.create(c -> {
            c.concurrency.useVirtualThreads = true;
            c.jetty.host = host;
            c.jetty.port = port;
            c.startup.showJavalinBanner = false;
            c.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            c.jetty.modifyServer(server -> server.setErrorHandler(new EnvelopeErrorHandler()));
            c.routes.exception(HttpResponseException.class, ErrorMapper::javalinException);
            c.routes.exception(Exception.class, ErrorMapper::unexpected);
            OpsEndpoints.register(c, ops);
        }).start();
        return new OpsListener(app);
    }

    public int port() { return app.port(); }

    @Override
    public void close() {
        app.stop();
    }
}
