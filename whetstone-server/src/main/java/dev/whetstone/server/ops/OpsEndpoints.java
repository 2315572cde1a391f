package dev.whetstone.server.ops;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.server.api.ErrorMapper;
import dev.whetstone.server.api.Json;
import java.util.Map;

/**
 * {@code /livez}, {@code /readyz} and {@code /metrics} for a process: the API replica registers them beside its
 * routes, a worker on its own small listener (docs/operations.md, "Health").
 */
public final class OpsEndpoints {
    public static final String LIVEZ = "/livez";
    public static final String READYZ = "/readyz";
    public static final String METRICS = "/metrics";

    private OpsEndpoints() {}

    /** True for the probes, which answer without credentials. */
    public static boolean isProbe(String path) {
        return path.equals(LIVEZ) || path.equals(READYZ);
    }

    public static void register(JavalinConfig c, ProcessOps ops) {
        c.routes.get(LIVEZ, ctx -> ctx.json(Map.of("status", "alive")));
        c.routes.get(READYZ, ctx -> ready(ctx, ops));
        c.routes.get(METRICS, ctx -> ctx.contentType("text/plain; version=0.0.4").result(ops.metrics().scrape()));
    }

    /**
     * 200 with each check's state, or 503 with the same checks and, for clients that read only errors, the error
     * envelope naming what failed.
     */
    private static void ready(Context ctx, ProcessOps ops) {
        Readiness.Report report = ops.readiness().check();
        ObjectNode body = report.ready() ? Json.MAPPER.createObjectNode()
                : ErrorMapper.envelope(ErrorCode.SERVICE_UNAVAILABLE, "The process is not ready: "
                        + String.join("; ", report.failing()) + ".", null);
        body.put("status", report.ready() ? "ready" : "not_ready");
        body.set("checks", Json.MAPPER.valueToTree(report.checks()));
        ctx.status(report.ready() ? 200 : 503).contentType("application/json").result(body.toString());
    }
}
