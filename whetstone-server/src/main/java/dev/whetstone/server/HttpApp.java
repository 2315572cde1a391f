package dev.whetstone.server;

import dev.whetstone.error.ApiException;
import dev.whetstone.server.api.Auth;
import dev.whetstone.server.api.AccountKeysApi;
import dev.whetstone.server.api.AccountModelsApi;
import dev.whetstone.server.api.AccountsApi;
import dev.whetstone.server.api.AdfsApi;
import dev.whetstone.server.api.DeploymentsApi;
import dev.whetstone.server.api.RaiApi;
import dev.whetstone.server.api.ErrorMapper;
import dev.whetstone.server.api.FilesApi;
import dev.whetstone.server.api.JobsApi;
import dev.whetstone.server.api.GradersApi;
import dev.whetstone.graders.DeploymentGraderModel;
import dev.whetstone.graders.Graders;
import dev.whetstone.server.api.Json;
import dev.whetstone.server.api.ManagementApi;
import dev.whetstone.server.api.ModelsApi;
import dev.whetstone.server.api.Routes;
import dev.whetstone.server.api.inference.InferenceApi;
import dev.whetstone.server.auth.Permission;
import dev.whetstone.server.http.EnvelopeErrorHandler;
import dev.whetstone.server.http.PercentEncoding;
import dev.whetstone.server.tls.ServerCertificate;
import dev.whetstone.server.tls.TlsConnector;
import dev.whetstone.server.ui.Portal;
import dev.whetstone.server.ops.OpsEndpoints;
import dev.whetstone.server.ops.ProcessOps;
import io.javalin.Javalin;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.UUID;

/** Builds the Javalin application: cross-cutting request handling, then each resource's routes. */
final class HttpApp {
    private static final String STARTED_AT = "whetstone.startedAt";

    private HttpApp() {}

    static Javalin create(Services services, ServerConfig config, ServerCertificate certificate) {
        Auth auth = new Auth(services.credentials());
        ProcessOps ops = services.ops();
        PrometheusMeterRegistry metrics = ops.metrics().registry();
        return Javalin.create(c -> {
            c.concurrency.useVirtualThreads = true;
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            if (certificate != null) {
                // Javalin adds its own plain connector only when none is configured: add it first (port() reads the
                // first connector), then the HTTPS one.
                c.jetty.addConnector((server, http) -> TlsConnector.plain(server, http, config.host(), config.port()));
                c.jetty.addConnector((server, http) -> TlsConnector.create(server, http, config.host(),
                        config.management().tlsPort(), certificate));
            }
            c.router.treatMultipleSlashesAsSingleSlash = true; // doc users send //openai/files (docs/reference/CLIENTS.md 12)
            c.http.maxRequestSize = 1 << 20; // JSON bodies; uploads stream past this limit on their own
            c.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            c.startup.showJavalinBanner = false;

            c.http.prefer405over404 = true; // a known path with another method: 405 with Allow (ErrorMapper)
            // What Jetty refuses before routing answers in the error envelope too, not as an HTML page.
            c.jetty.modifyServer(server -> server.setErrorHandler(new EnvelopeErrorHandler()));
            c.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new EnvelopeErrorHandler()));

            c.routes.before(ctx -> {
                // Counted out when Jetty has written the whole response, not when the handlers return: a drain that
                // stopped HTTP right after the handler of a stream returned would cut its last chunk.
                ops.drain().enter();
                Request.addCompletionListener(ServletContextRequest.getServletContextRequest(ctx.req()),
                        failure -> ops.drain().leave());
                String id = UUID.randomUUID().toString();
                ctx.header("x-request-id", id);
                ctx.header("apim-request-id", id);
                ctx.attribute(STARTED_AT, System.nanoTime());
                PercentEncoding.requireWellFormed("path", ctx.req().getRequestURI());
                PercentEncoding.requireWellFormed("query", ctx.queryString());
                if (!ctx.path().equals("/healthz") && !OpsEndpoints.isProbe(ctx.path()) && !Portal.isPublic(ctx)
                        && !ManagementApi.isPublic(ctx) && !AdfsApi.isPublic(ctx)) {
                    auth.check(ctx);
                }
                if (ctx.path().equals(OpsEndpoints.METRICS)) Auth.authorizeOutsideRoutes(ctx, Permission.MANAGEMENT_READ);
            });
            c.routes.after(ctx -> {
                Long started = ctx.attribute(STARTED_AT);
                if (started == null) return;
                long nanos = System.nanoTime() - started;
                String route = ctx.attribute(Routes.ROUTE_ATTRIBUTE);
                Timer.builder("http.server.requests").tag("method", ctx.method().name())
                        .tag("route", route == null ? "other" : route).tag("status", Integer.toString(ctx.statusCode()))
                        .register(metrics).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
                String endpoint = InferenceApi.endpointOf(route);
                if (endpoint != null) {
                    Integer generated = ctx.attribute(InferenceApi.GENERATED_TOKENS_ATTRIBUTE);
                    ops.metrics().inference(ctx.attribute(InferenceApi.DEPLOYMENT_ATTRIBUTE), endpoint, ctx.statusCode(),
                            nanos, generated == null ? 0 : generated);
                }
            });
            c.routes.exception(ApiException.class, ErrorMapper::apiException);
            c.routes.exception(HttpResponseException.class, ErrorMapper::javalinException);
            c.routes.exception(Exception.class, ErrorMapper::unexpected);

            c.routes.get("/healthz", ctx -> ctx.json(java.util.Map.of("status", "ok")));
            OpsEndpoints.register(c, ops);
            Portal.register(c);

            Routes routes = new Routes(c.routes, services.namespaces());
            new FilesApi(services.files(), services.importer()).register(routes);
            new ModelsApi(services.models(), services.fineTunedModels()).register(routes);
            services.modelExport().register(routes);
            Graders graders = new Graders(new DeploymentGraderModel(services.inference(), Graders.MODEL_TIMEOUT),
                    services.python());
            new JobsApi(services.jobs(), graders, services.namespaces()).register(routes);
            new GradersApi(graders).register(routes);
            new DeploymentsApi(services.deployments()).register(routes);
            new AccountKeysApi(services.accountKeys(), services.accounts()).register(routes);
            new ManagementApi(services.credentials(), config.management().tenant(), Clock.systemUTC()).register(routes);
            new AdfsApi(services.credentials(), config.management().tenant(), Clock.systemUTC()).register(routes);
            new AccountsApi(services.namespaces(), config.management().subscription(), config.management().tenant())
                    .register(routes);
            new RaiApi(services.safety()).register(routes);
            new AccountModelsApi(services.models(), services.fineTunedModels(), services.accounts(),
                    services.namespaces()).register(routes);
            new InferenceApi(services.inference(), services.safety(), Clock.systemUTC(), services.inferenceOptions(),
                    ops.drain()::draining).register(routes);
        });
    }
}
