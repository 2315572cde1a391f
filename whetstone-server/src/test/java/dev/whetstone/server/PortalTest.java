package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The portal's files over HTTP: public, complete (every import resolves), and the API behind them still locked. */
class PortalTest {
    private static final Pattern IMPORT = Pattern.compile("from '\\./([\\w-]+\\.js)'");
    private static final Pattern UPLOT = Pattern.compile("const UPLOT = '([^']+)'");

    @TempDir Path data;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> anonymous(String method, String path) throws Exception {
        return server.send(HttpRequest.newBuilder(URI.create(server.base + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void thePageIsServedAtTheRootWithoutAKeyAndWithAContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = anonymous("GET", "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'self'").doesNotContain("script-src"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"/portal/js/app.js\"></script>")
                .contains("id=\"main\"").contains("aria-live=\"polite\"");
    }

    @Test
    void everyModuleTheAppImportsIsServedAsJavaScript() throws Exception {
        Deque<String> pending = new ArrayDeque<>(Set.of("app.js"));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!seen.add(name)) continue;
            HttpResponse<String> module = anonymous("GET", "/portal/js/" + name);
            assertThat(module.statusCode()).as(name).isEqualTo(200);
            assertThat(module.headers().firstValue("Content-Type")).as(name)
                    .hasValueSatisfying(t -> assertThat(t).contains("javascript"));
            Matcher m = IMPORT.matcher(module.body());
            while (m.find()) pending.push(m.group(1));
        }
        assertThat(seen).contains("api.js", "files.js", "jobs.js", "job.js", "charts.js", "metrics.js", "models.js",
                "deployments.js", "playground.js", "graders.js", "dom.js", "safety.js");
        assertThat(anonymous("GET", "/portal/css/portal.css").statusCode()).isEqualTo(200);
        assertThat(anonymous("GET", "/portal/favicon.svg").statusCode()).isEqualTo(200);
    }

    @Test
    void theChartLibraryPathInTheChartsModuleIsTheWebjarOnTheClasspath() throws Exception {
        Matcher m = UPLOT.matcher(resource("/portal/js/charts.js"));
        assertThat(m.find()).as("charts.js names the uPlot webjar path").isTrue();
        HttpResponse<String> esm = anonymous("GET", m.group(1) + "/uPlot.esm.js");
        assertThat(esm.statusCode()).as("bump the path in charts.js with the pom's uplot.version").isEqualTo(200);
        assertThat(esm.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        assertThat(esm.body()).contains("export");
        assertThat(anonymous("GET", m.group(1) + "/uPlot.min.css").statusCode()).isEqualTo(200);
    }

    @Test
    void theApiStillRequiresTheKeyEverywhereElse() throws Exception {
        assertThat(anonymous("GET", "/openai/files?api-version=2024-10-21").statusCode()).isEqualTo(401);
        assertThat(anonymous("GET", "/files").statusCode()).isEqualTo(401);
        assertThat(anonymous("GET", "/v1/models").statusCode()).isEqualTo(401);
        assertThat(anonymous("POST", "/").statusCode()).isEqualTo(401);
        assertThat(anonymous("POST", "/portal/js/app.js").statusCode()).isEqualTo(401);
        assertThat(anonymous("GET", "/metrics").statusCode()).isEqualTo(401);
        assertThat(server.get("/openai/files?api-version=2024-10-21").statusCode()).isEqualTo(200);
    }

    @Test
    void aMissingAssetIsANotFoundInTheErrorEnvelope() throws Exception {
        HttpResponse<String> missing = anonymous("GET", "/portal/js/nope.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"error\"");
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = PortalTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
