package dev.whetstone.server;

import dev.whetstone.server.tls.ServerCertificate;
import dev.whetstone.server.tls.TlsConnector;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import dev.whetstone.server.ops.ProcessOps;
import java.util.Set;
import io.javalin.router.Endpoint;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running service: the HTTP app over its services. {@link #close()} drains first (docs/operations.md, "Drain"):
 * not ready, new inference refused with 503, workers stop claiming, in-flight requests and streams finish within
 * the drain time; then HTTP stops, then the rest.
 */
public final class WhetstoneServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WhetstoneServer.class);
    /** How long a drain waits for in-flight requests by default ({@code --drain-seconds}). */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

    private final Javalin app;
    private final List<AutoCloseable> resources;
    private final ProcessOps ops;
    private final Duration drain;
    private boolean closed;

    private WhetstoneServer(Javalin app, List<AutoCloseable> resources, ProcessOps ops, Duration drain) {
        this.app = app;
        this.resources = resources;
        this.ops = ops;
        this.drain = drain;
    }

    /** Builds the production wiring for {@code config} and starts listening. */
    public static WhetstoneServer start(ServerConfig config) throws Exception {
        return start(config, InferenceEngineFactory.production());
    }

    /** The production wiring, draining for up to {@code drain} when closed. */
    public static WhetstoneServer start(ServerConfig config, Duration drain) throws Exception {
        return start(config, Wiring.production(config, InferenceEngineFactory.production()), drain);
    }

    /** The production wiring with another inference engine (tests of the CLI serve fake models this way). */
    public static WhetstoneServer start(ServerConfig config, InferenceEngineFactory engines) throws Exception {
        return start(config, Wiring.production(config, engines));
    }

    static WhetstoneServer start(ServerConfig config, Wiring wiring) {
        return start(config, wiring, DEFAULT_DRAIN);
    }

    static WhetstoneServer start(ServerConfig config, Wiring wiring, Duration drain) {
        WhetstoneServer server = start(config, wiring.services(), wiring.resources(), drain);
        wiring.generatedKey().ifPresent(k -> System.out.println(k.notice(config.host(), server.port())));
        return server;
    }

    private static WhetstoneServer start(ServerConfig config, Services services, List<AutoCloseable> resources,
                                         Duration drain) {
        ServerCertificate certificate = certificate(config);
        Javalin app = HttpApp.create(services, config, certificate).start();
        LOG.info("Whetstone listening on http://{}:{} (web portal at /)", config.host(), app.port());
        services.ops().readiness().add("http", () -> {
            if (!app.jettyServer().server().isStarted()) throw new IllegalStateException("the HTTP server is not started");
        });
        WhetstoneServer server = new WhetstoneServer(app, new ArrayList<>(resources), services.ops(), drain);
        if (certificate != null) {
            LOG.info("Whetstone listening on https://{}:{}", config.host(), server.tlsPort());
            if (certificate.caFile() != null) {
                System.out.println("HTTPS uses a certificate generated for this machine; clients trust it with its CA "
                        + "certificate: export REQUESTS_CA_BUNDLE=" + certificate.caFile().toAbsolutePath());
            }
        }
        return server;
    }

    /** The user's certificate, the generated one, or null without HTTPS. */
    private static ServerCertificate certificate(ServerConfig config) {
        ManagementOptions m = config.management();
        if (!m.tls()) return null;
        try {
            return m.tlsCert() != null ? ServerCertificate.fromPem(m.tlsCert(), m.tlsKey())
                    : ServerCertificate.generated(config.dataDir(), Set.of(config.host()), Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException("HTTPS cannot start: " + e.getMessage(), e);
        }
    }

    public int port() { return app.port(); }

    /** The bound HTTPS port, or -1 when the service offers none. */
    public int tlsPort() { return TlsConnector.port(app.jettyServer().server()); }

    /** Every method and path template the router answers, in registration order (tests walk the whole API). */
    List<Endpoint> endpoints() {
        return app.unsafe.internalRouter.allHttpHandlers().stream().map(parsed -> parsed.endpoint).toList();
    }

    /** This replica's drain, meters, readiness and registry row. */
    ProcessOps ops() { return ops; }

    @Override
    public void close() {
        ops.drain().begin();
        try {
            if (!ops.drain().awaitIdle(drain)) {
                LOG.warn("{} request(s) still running after the drain time ({}); they are cut off",
                        ops.drain().inFlight(), drain);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
    }

    private synchronized void stop() {
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
