package dev.whetstone.server;

import io.javalin.Javalin;
import io.javalin.router.Endpoint;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running service: the HTTP app over its services. {@link #close()} stops HTTP first, then the rest. */
public final class WhetstoneServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WhetstoneServer.class);

    private final Javalin app;
    private final List<AutoCloseable> resources;
    private boolean closed;

    private WhetstoneServer(Javalin app, List<AutoCloseable> resources) {
        this.app = app;
        this.resources = resources;
    }

    /** Builds the production wiring for {@code config} and starts listening. */
    public static WhetstoneServer start(ServerConfig config) throws Exception {
        return start(config, InferenceEngineFactory.production());
    }

    /** The production wiring with another inference engine (tests of the CLI serve fake models this way). */
    public static WhetstoneServer start(ServerConfig config, InferenceEngineFactory engines) throws Exception {
        return start(config, Wiring.production(config, engines));
    }

    static WhetstoneServer start(ServerConfig config, Wiring wiring) {
        WhetstoneServer server = start(config, wiring.services(), wiring.resources());
        wiring.generatedKey().ifPresent(k -> System.out.println(k.notice(config.host(), server.port())));
        return server;
    }

    private static WhetstoneServer start(ServerConfig config, Services services, List<AutoCloseable> resources) {
        Javalin app = HttpApp.create(services, config).start();
        LOG.info("Whetstone listening on http://{}:{} (web portal at /)", config.host(), app.port());
        return new WhetstoneServer(app, new ArrayList<>(resources));
    }

    public int port() { return app.port(); }

    /** Every method and path template the router answers, in registration order (tests walk the whole API). */
    List<Endpoint> endpoints() {
        return app.unsafe.internalRouter.allHttpHandlers().stream().map(parsed -> parsed.endpoint).toList();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        app.stop();
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", r, e.toString());
            }
        }
        LOG.info("Whetstone stopped");
    }
}
