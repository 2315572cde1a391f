package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.server.auth.Role;
import io.javalin.router.Endpoint;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks every route of the running service with a key of every role and checks docs/security.md's table: an allowed
 * role (✓) must not get 401 or 403, a denied one (–) must get 403 naming a role that is allowed. A route the table
 * does not list fails the test, so the table stays complete.
 */
class RolesMatrixTest {
    static final String ACCOUNT = "/subscriptions/{subscription}/resourceGroups/{resource_group}"
            + "/providers/Microsoft.CognitiveServices/accounts/{account}";
    /** Longest first: a data-plane route is matched under the first prefix that leaves a documented route. */
    static final List<String> PREFIXES = List.of("/openai/deployments/{ignored_deployment}", "/openai/deployments/{deployment}",
            "/openai/v1", "/openai", "/v1", "");

    @TempDir Path dir;

    record Row(String method, String route, Map<String, Boolean> allowed) {}

    @Test
    void everyRouteAllowsExactlyTheRolesTheDocsTableGives() throws Exception {
        Map<String, Row> table = table();
        Map<Role, Set<String>> keys = new EnumMap<>(Role.class);
        for (Role r : Role.values()) if (r != Role.ADMIN) keys.put(r, Set.of("key-" + r.wireName()));
        try (TestServer ts = TestServer.withAccess(dir, new AccessOptions(Set.of(), Set.of(), keys, null))) {
            List<String> problems = new ArrayList<>();
            List<Endpoint> endpoints = ts.server.endpoints();
            assertThat(endpoints).hasSizeGreaterThan(50);
            int checked = 0;
            for (Endpoint e : endpoints) {
                if (!Set.of("GET", "POST", "PUT", "DELETE").contains(e.method.name())) continue; // before/after filters
                Row row = find(table, e.method.name(), e.path);
                if (row == null) {
                    problems.add("not in docs/security.md: " + e.method + " " + e.path);
                    continue;
                }
                for (Role role : Role.values()) {
                    String key = role == Role.ADMIN ? TestServer.KEY : "key-" + role.wireName();
                    HttpResponse<String> r = send(ts, e.method.name(), e.path, key);
                    boolean allowed = row.allowed().get(role.wireName());
                    checked++;
                    if (allowed && (r.statusCode() == 401 || r.statusCode() == 403)) {
                        problems.add(role.wireName() + " refused on " + e.method + " " + e.path + ": " + r.statusCode() + " " + r.body());
                    }
                    if (!allowed) {
                        if (r.statusCode() != 403) {
                            problems.add(role.wireName() + " not refused on " + e.method + " " + e.path + ": " + r.statusCode());
                        } else if (!namesAnAllowedRole(r.body(), row)) {
                            problems.add("403 on " + e.method + " " + e.path + " names no allowed role: " + r.body());
                        }
                    }
                }
                if (isPublic(row)) { // public routes answer without a credential too
                    assertThat(send(ts, e.method.name(), e.path, null).statusCode()).as(e.path).isNotIn(401, 403);
                }
            }
            assertThat(problems).isEmpty();
            assertThat(checked).isGreaterThan(300);
        }
    }

    private static boolean isPublic(Row row) {
        return row.method().equals("GET")
                && (row.route().equals("/healthz") || row.route().equals("/livez") || row.route().equals("/readyz")
                || row.route().equals("/") || row.route().equals("/metadata/endpoints"));
    }

    private static boolean namesAnAllowedRole(String body, Row row) {
        for (Role r : Role.values()) {
            if (r == Role.ADMIN || r == Role.INFERENCE) continue;
            if (row.allowed().get(r.wireName()) && body.contains("'" + r.azureName() + "'")) return true;
        }
        return false;
    }

    private static Row find(Map<String, Row> table, String method, String path) {
        for (String prefix : PREFIXES) {
            if (!path.startsWith(prefix)) continue;
            String rest = path.substring(prefix.length());
            if (rest.isEmpty()) rest = "/";
            Row row = table.get(method + " " + rest);
            if (row != null) return row;
        }
        return null;
    }

    private static HttpResponse<String> send(TestServer ts, String method, String template, String key) throws Exception {
        String path = template.replaceAll("\\{subscription}", "00000000-0000-0000-0000-000000000000")
                .replaceAll("\\{[a-z_]+}", "x1");
        String query = path.startsWith("/msi/token") ? "?resource=https://localhost/&api-version=2017-09-01"
                : path.startsWith("/subscriptions") ? "?api-version=2023-05-01"
                : path.startsWith("/openai") && !path.startsWith("/openai/v1") ? "?api-version=2024-10-21" : "";
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(ts.base + path + query))
                .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"));
        if (!method.equals("GET") && !method.equals("DELETE")) r.header("Content-Type", "application/json");
        // the managed-identity endpoint takes its key in the 'secret' header (docs/deployments.md)
        if (key != null) r.header(path.startsWith("/msi/token") ? "secret" : "api-key", key);
        return ts.send(r.build());
    }

    /** docs/security.md's route table: method, route ({account} expanded), and ✓/– per role column. */
    static Map<String, Row> table() throws Exception {
        Path doc = Path.of("..", "docs", "security.md");
        List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
        List<String> columns = null;
        Map<String, Row> rows = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\| (GET|POST|PUT|DELETE) \\| `([^`]+)` \\| [A-Za-z_]+ \\|(.*)\\|$");
        for (String line : lines) {
            if (line.startsWith("| Method | Route | Needs |")) {
                columns = new ArrayList<>();
                for (String c : line.split("\\|")) if (!c.isBlank()) columns.add(c.strip());
                columns = columns.subList(3, columns.size());
                continue;
            }
            Matcher m = row.matcher(line);
            if (columns == null || !m.matches()) continue;
            String[] cells = m.group(3).split("\\|");
            Map<String, Boolean> allowed = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) allowed.put(columns.get(i), cells[i].strip().equals("✓"));
            String route = m.group(2).replace("{account}/", ACCOUNT + "/");
            rows.put(m.group(1) + " " + route, new Row(m.group(1), route, allowed));
        }
        assertThat(columns).as("the table header in " + doc).isNotNull();
        assertThat(columns).containsExactlyInAnyOrder(java.util.Arrays.stream(Role.values()).map(Role::wireName).toArray(String[]::new));
        return rows;
    }
}
