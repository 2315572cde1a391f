package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.router.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed requests on every route of the real server, over raw loopback sockets so that nothing is cleaned up on
 * the way: random and unknown methods, mangled paths (percent garbage, NUL, encoded slashes, dot segments, raw
 * unicode, overlong), bad api-versions and query strings, garbage and deeply nested JSON, huge numbers, wrong field
 * types, truncated multipart bodies and broken headers. Every answer must be below 500, and every error must be the
 * JSON envelope without a trace of our code; afterwards the service still answers and holds exactly the files the
 * fuzz created. The seed is fixed and printed; {@code -Dwhetstone.fuzz.seed=N} and {@code -Dwhetstone.fuzz.requests=N}
 * replay or widen a run.
 */
class MalformedRequestFuzzTest {
    private static final long SEED = Long.getLong("whetstone.fuzz.seed", 20_251_107L);
    private static final int REQUESTS = Integer.getInteger("whetstone.fuzz.requests", 3000);
    private static final String AZURE_VERSION = "2024-10-21";
    private static final String ARM_VERSION = "2024-10-01";
    private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");
    private static final Pattern STACK_TRACE = Pattern.compile("\\bat dev\\.|\\bat io\\.javalin|\\bat org\\.eclipse|Exception");
    /** Every request field the API reads, so wrong-type values reach the checks of each resource. */
    private static final List<String> FIELDS = List.of("model", "training_file", "validation_file", "suffix", "seed",
            "hyperparameters", "n_epochs", "batch_size", "learning_rate_multiplier", "method", "type", "supervised",
            "purpose", "filename", "content_url", "messages", "role", "content", "prompt", "max_tokens", "temperature",
            "top_p", "n", "stream", "stream_options", "stop", "logprobs", "top_logprobs", "logit_bias", "user",
            "response_format", "tools", "echo", "best_of", "sku", "name", "capacity", "properties", "format", "version",
            "source", "scaleSettings", "scaleType", "integrations", "metadata", "after", "limit");
    /** Import targets that are refused without leaving the machine (no DNS look-up, no fetch). */
    private static final List<String> CONTENT_URLS = List.of("", "not a url", "ftp://127.0.0.1/x.jsonl",
            "http://127.0.0.1:1/x.jsonl", "http://[::1]:1/x", "file:///x.jsonl", "http://[::1", "http://%zz/", "\u0000");

    @TempDir Path dir;

    /** One generated request: where it went, what was done to it, and the bytes sent. */
    record Probe(Endpoint route, String method, String target, List<String> mutations, String fileId, byte[] bytes) {
        String describe() {
            String t = target.length() > 160 ? target.substring(0, 160) + "…(" + target.length() + " chars)" : target;
            return method + " " + t.replaceAll("[\\x00-\\x1f\\x7f]", "?") + " " + mutations;
        }
    }

    @Test
    void malformedRequestsOnEveryRouteGetAClientErrorInTheEnvelope() throws Exception {
        System.out.println("MalformedRequestFuzzTest: seed " + SEED + ", " + REQUESTS + " requests");
        try (InferenceFixture fx = new InferenceFixture(dir)) {
            TestServer ts = fx.ts;
            int port = ts.server.port();
            String fileId = uploadTrainingFile(ts);
            Set<String> expectedFiles = new HashSet<>(fileIds(ts));
            List<Endpoint> routes = routes(ts.server);
            Generator generator = new Generator(new SplittableRandom(SEED), port, fileId);

            Map<Integer, Integer> statuses = new TreeMap<>();
            Map<String, Integer> failuresByMutation = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                Probe probe = generator.next(routes.get(generator.random.nextInt(routes.size())));
                String problem;
                RawHttp.Response response = null;
                try {
                    response = RawHttp.exchange(port, probe.bytes(), Duration.ofSeconds(15));
                    statuses.merge(response.status(), 1, Integer::sum);
                    problem = problem(probe, response);
                } catch (IOException e) {
                    problem = "no readable answer: " + e.getMessage();
                }
                if (problem != null) {
                    if (failures.size() < 40) failures.add("#" + i + " " + probe.describe() + " -> " + problem);
                    probe.mutations().forEach(m -> failuresByMutation.merge(m.replaceAll("[:=].*", ""), 1, Integer::sum));
                    failuresByMutation.merge("(total)", 1, Integer::sum);
                } else if (response != null) {
                    track(probe, response, expectedFiles);
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("MalformedRequestFuzzTest: " + REQUESTS + " requests over " + routes.size()
                    + " routes in " + millis + " ms; statuses " + statuses + "; failures by mutation " + failuresByMutation);
            assertThat(failures).as("answers that broke the error contract (seed " + SEED + ")").isEmpty();

            assertThat(ts.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(fileIds(ts)).as("files after the fuzz").containsExactlyInAnyOrderElementsOf(expectedFiles);
            var chat = fx.post(InferenceFixture.AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"still there\"}]}");
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            assertThat(InferenceFixture.json(chat).at("/choices/0/message/content").asText()).contains("still there");
            assertThat(uploadTrainingFile(ts)).isNotBlank();
        }
    }

    /** Why {@code response} breaks the contract, or null when it keeps it. */
    private static String problem(Probe probe, RawHttp.Response r) {
        String body = r.text();
        String shown = body.length() > 300 ? body.substring(0, 300) + "…" : body;
        if (r.status() >= 500) return r.status() + " " + shown;
        if (r.status() < 400) return null;
        String type = r.header("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return r.status() + " with content type " + type + ": " + shown;
        }
        if (probe.method().equals("HEAD") && r.body().length == 0) return null;
        if (STACK_TRACE.matcher(body).find()) return r.status() + " shows internals: " + shown;
        JsonNode json;
        try {
            json = r.json();
        } catch (IOException e) {
            return r.status() + " body is not JSON: " + shown;
        }
        JsonNode error = json == null ? null : json.get("error");
        if (error == null || !error.isObject()) return r.status() + " has no error object: " + shown;
        if (!error.path("code").isTextual() || error.path("code").asText().isBlank()) return r.status() + " has no code: " + shown;
        if (!error.path("message").isTextual() || error.path("message").asText().isBlank()) {
            return r.status() + " has no message: " + shown;
        }
        // Resource Manager's envelope needs only code and message; the data plane's carries all four keys.
        boolean arm = probe.target().startsWith("/subscriptions/");
        if (!arm && !(error.has("param") && error.has("type"))) return r.status() + " lacks param or type: " + shown;
        if (r.status() == 405 && r.header("allow") == null) return "405 without an Allow header: " + shown;
        return null;
    }

    /** Keeps {@code expected} equal to the files the service should now hold. */
    private static void track(Probe probe, RawHttp.Response r, Set<String> expected) throws IOException {
        if (r.status() >= 300 || probe.route() == null) return;
        String path = probe.route().path;
        if (probe.method().equals("POST") && (path.endsWith("/files") || path.endsWith("/files/import"))) {
            expected.add(r.json().get("id").asText());
        } else if (probe.method().equals("DELETE") && path.endsWith("/files/{file_id}") && probe.fileId() != null) {
            expected.remove(probe.fileId());
        }
    }

    private static List<Endpoint> routes(WhetstoneServer server) {
        List<Endpoint> routes = new ArrayList<>(server.endpoints());
        routes.sort(Comparator.comparing((Endpoint e) -> e.path).thenComparing(e -> e.method.name()));
        assertThat(routes).as("the route table").hasSizeGreaterThan(50);
        return routes;
    }

    private static String uploadTrainingFile(TestServer ts) throws Exception {
        byte[] body = new Multipart().field("purpose", "fine-tune", null)
                .file("fuzz.jsonl", FilesApiTest.trainingFile(), "application/json").build();
        var r = ts.send(ts.request("/openai/files?api-version=" + AZURE_VERSION)
                .header("Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return InferenceFixture.json(r).get("id").asText();
    }

    private static List<String> fileIds(TestServer ts) throws Exception {
        var r = ts.get("/openai/files?api-version=" + AZURE_VERSION);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        InferenceFixture.json(r).get("data").forEach(f -> ids.add(f.get("id").asText()));
        return ids;
    }

    /** Builds one malformed request per call from the seeded random source. */
    static final class Generator {
        final SplittableRandom random;
        private final int port;
        private final String fileId;

        Generator(SplittableRandom random, int port, String fileId) {
            this.random = random;
            this.port = port;
            this.fileId = fileId;
        }

        Probe next(Endpoint route) {
            List<String> mutations = new ArrayList<>();
            String method = method(route.method.name(), mutations);
            String[] usedFileId = new String[1];
            String path = fill(route.path, usedFileId);
            if (chance(0.45)) path = manglePath(path, mutations);
            String target = path + query(route.path, mutations);
            if (chance(0.03)) {
                target = pick("*", "http://127.0.0.1:" + port + path, "http://elsewhere.invalid" + path, "", path.substring(1));
                mutations.add("target-form");
            }
            byte[] body = body(route.path, method, mutations);
            String contentType = contentType(route.path, mutations);
            String version = chance(0.03) ? pick("HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "HTTX/1.1", "", "HTTP/1.1 extra") : "HTTP/1.1";
            if (!version.equals("HTTP/1.1")) mutations.add("version=" + version);

            List<String> headers = new ArrayList<>();
            headers.add("Host: 127.0.0.1:" + port);
            if (chance(0.93)) {
                headers.add("api-key: " + TestServer.KEY);
            } else {
                mutations.add("auth");
                headers.add(pick("api-key: wrong", "api-key: ", "Authorization: Bearer", "Authorization: Bearer \u00ff\u00fe",
                        "Authorization: Basic %%%", "X-Nothing: 1"));
            }
            headers.add("Connection: close");
            headers.add(pick("Accept: application/json", "Accept: text/html", "Accept: */*", "Accept: text/plain",
                    "Accept: application/xml;q=0.9, text/html"));
            if (contentType != null) headers.add("Content-Type: " + contentType);
            boolean framed = frame(headers, body, mutations);
            if (chance(0.12)) headerMangle(headers, mutations);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes((method + " " + target + (version.isEmpty() ? "" : " " + version) + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (String h : headers) out.writeBytes((h + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            if (body != null) out.writeBytes(framed ? body : chunked(body, mutations));
            return new Probe(route, method, target, mutations, usedFileId[0], out.toByteArray());
        }

        private String method(String routeMethod, List<String> mutations) {
            double r = random.nextDouble();
            if (r < 0.65) return routeMethod;
            String m = r < 0.92 ? pick("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE")
                    : pick("CONNECT", "FOO", "get", "PROPFIND", "M-SEARCH", "QUERY", "GET\u0000", "G\u00c9T", "POST;");
            if (!m.equals(routeMethod)) mutations.add("method=" + m);
            return m;
        }

        private String fill(String template, String[] usedFileId) {
            Matcher m = PARAM.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = switch (random.nextInt(4)) {
                    case 0 -> pick("x", "ftjob-0", "file-0", "model-0", "-", "~", "a.b", "%41", "\u00e9t\u00e9");
                    case 1 -> Long.toHexString(random.nextLong());
                    default -> goodValue(m.group(1));
                };
                if (m.group(1).equals("file_id")) usedFileId[0] = value;
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }

        private String goodValue(String param) {
            return switch (param) {
                case "file_id" -> fileId;
                case "job_id" -> "ftjob-fuzz";
                case "deployment", "deployment_id" -> pick("chat", "legacy", "vision", "fuzz-deployment");
                case "model_id" -> pick("gpt-35-turbo-0613", "tiny-chat", "tiny-base");
                case "subscription" -> "00000000-0000-0000-0000-000000000000";
                case "resource_group" -> "rg";
                case "account" -> "acct";
                default -> "x";
            };
        }

        private String manglePath(String path, List<String> mutations) {
            String piece = pick("%00", "%2F", "%2f", "%5C", "%zz", "%", "%0", "%c0%af", "%ff", "%e2%82", "..", "/../",
                    "/./", "%2e%2e", "%2e", ";", ";jsessionid=1", "//", "\\", "\u00fc", "%C3%BC", "%u0041", "\u0001", " ",
                    "\t", "#frag", "\u2028", "%F0%9F%98%80", "\ud83d\ude00", "/..;/", "%252F");
            double r = random.nextDouble();
            String mangled;
            if (r < 0.75) {
                int at = random.nextInt(path.length() + 1);
                mangled = path.substring(0, at) + piece + path.substring(at);
                mutations.add("path:" + piece.replaceAll("[\\x00-\\x1f]", "?"));
            } else if (r < 0.85) {
                int length = pick(2_000, 9_000, 70_000);
                mangled = path + "/" + "a".repeat(length);
                mutations.add("path:overlong=" + length);
            } else if (r < 0.93) {
                mangled = path.toUpperCase(Locale.ROOT) + (chance(0.5) ? "/" : "");
                mutations.add("path:case");
            } else {
                mangled = path + "/" + "..%2F".repeat(1 + random.nextInt(20)) + "etc";
                mutations.add("path:traversal");
            }
            return mangled; // raw unicode goes out as UTF-8 bytes, unencoded, on purpose
        }

        private String query(String template, List<String> mutations) {
            String good = template.startsWith("/subscriptions/") ? ARM_VERSION
                    : template.startsWith("/openai") && !template.startsWith("/openai/v1") ? AZURE_VERSION : null;
            List<String> params = new ArrayList<>();
            if (chance(0.8)) {
                if (good != null) params.add("api-version=" + good);
            } else {
                String bad = pick("", "garbage", "2024-13-45", "9999-99-99-preview", "2022-12-01", "%zz", "%00",
                        "\u00e9", "2024-10-21&api-version=2023-05-15", "x".repeat(5000));
                params.add("api-version=" + bad);
                mutations.add("api-version:" + (bad.length() > 20 ? "long" : bad));
            }
            if (chance(0.15)) {
                String extra = pick("%zz", "=", "&&&", "after=%00", "limit=-1", "limit=99999999999999999999", "limit=abc",
                        "purpose=%ff", "a=%", "%%%%", "a[]=1&a[0]=2", "order=sideways", "purpose=fine-tune%00",
                        "q=" + "%41".repeat(3000));
                params.add(extra);
                mutations.add("query:" + (extra.length() > 20 ? "long" : extra));
            }
            return params.isEmpty() ? "" : "?" + String.join("&", params);
        }

        private byte[] body(String template, String method, List<String> mutations) {
            boolean wantsBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
            if (!wantsBody && !chance(0.05)) return null;
            if (template.endsWith("/files") && chance(0.6)) return multipart(mutations);
            double r = random.nextDouble();
            String json;
            if (r < 0.10) {
                mutations.add("body:empty");
                return new byte[0];
            } else if (r < 0.25) {
                int depth = pick(999, 1001, 1500, 5000, 20_000);
                json = nested(depth);
                mutations.add("body:nested=" + depth);
            } else if (r < 0.35) {
                json = "{\"" + pick(FIELDS) + "\":" + hugeNumber() + "}";
                mutations.add("body:huge-number");
            } else if (r < 0.42) {
                mutations.add("body:garbage");
                return garbageBytes();
            } else if (r < 0.50) {
                json = truncate(object(3));
                mutations.add("body:truncated");
            } else if (r < 0.55) {
                json = pick("[]", "1", "\"x\"", "null", "true", "{}{}", "{\"a\":1,\"a\":2}", "\ufeff{}", "{'a':1}",
                        "{\"a\":NaN}", "{\"a\":01}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u00\"}", "{/*c*/}", "{\"a\":1,}");
                mutations.add("body:odd-json");
            } else if (r < 0.58) {
                json = "{\"" + pick(FIELDS) + "\":\"" + "w".repeat(pick(900_000, 1_100_000, 3_000_000)) + "\"}";
                mutations.add("body:big=" + json.length());
            } else {
                json = object(3);
                mutations.add("body:wrong-types");
            }
            return json.getBytes(StandardCharsets.UTF_8);
        }

        private String nested(int depth) {
            StringBuilder sb = new StringBuilder();
            boolean arrays = chance(0.5);
            boolean inMessages = chance(0.5);
            if (inMessages) sb.append("{\"messages\":");
            for (int i = 0; i < depth; i++) sb.append(arrays ? "[" : "{\"a\":");
            sb.append("1");
            if (chance(0.7)) {
                for (int i = 0; i < depth; i++) sb.append(arrays ? "]" : "}");
                if (inMessages) sb.append("}");
            }
            return sb.toString();
        }

        private String hugeNumber() {
            return pick("1" + "0".repeat(1500), "-" + "9".repeat(999), "1e999999999", "-1E-999999999",
                    "0." + "3".repeat(1200), "123456789012345678901234567890", "1.7976931348623157e309", "-0", "1e-400",
                    "9223372036854775808", "-9223372036854775809");
        }

        /** A JSON object of known field names with values of any type, nested up to {@code depth}. */
        private String object(int depth) {
            StringBuilder sb = new StringBuilder("{");
            int n = random.nextInt(6);
            for (int i = 0; i < n; i++) {
                if (i > 0) sb.append(',');
                sb.append('"').append(pick(FIELDS)).append("\":").append(value(depth));
            }
            return sb.append('}').toString();
        }

        private String value(int depth) {
            int kind = random.nextInt(depth > 0 ? 10 : 7);
            return switch (kind) {
                case 0 -> "null";
                case 1 -> random.nextBoolean() ? "true" : "false";
                case 2 -> Integer.toString(random.nextInt(-300, 300));
                case 3 -> chance(0.3) ? hugeNumber() : Double.toString(random.nextDouble(-1e6, 1e6));
                case 4 -> '"' + pick("user", "assistant", "system", "tool", "fine-tune", "chat", "legacy", "tiny-chat",
                        "gpt-35-turbo-0613", "auto", "supervised", "Standard", "", " ", "\\u0000", "\\ud83d\\ude00") + '"';
                case 5 -> '"' + pick(CONTENT_URLS).replace("\u0000", "\\u0000") + '"';
                case 6 -> '"' + Long.toHexString(random.nextLong()) + '"';
                case 7 -> {
                    StringBuilder a = new StringBuilder("[");
                    int n = random.nextInt(4);
                    for (int i = 0; i < n; i++) a.append(i > 0 ? "," : "").append(value(depth - 1));
                    yield a.append(']').toString();
                }
                case 8 -> "[{\"role\":" + value(depth - 1) + ",\"content\":" + value(depth - 1) + "}]";
                default -> object(depth - 1);
            };
        }

        private String truncate(String json) {
            return json.length() <= 1 ? "{" : json.substring(0, random.nextInt(1, json.length()));
        }

        private byte[] garbageBytes() {
            byte[] b = new byte[random.nextInt(1, 400)];
            random.nextBytes(b);
            if (chance(0.5)) b[0] = '{';
            return b;
        }

        private byte[] multipart(List<String> mutations) {
            Multipart m = new Multipart();
            if (chance(0.7)) m.field("purpose", pick("fine-tune", "assistants", "", "x".repeat(2000), "\u00e9"), null);
            if (chance(0.8)) m.file(pick("a.jsonl", "", "../../etc/passwd", "\u0000.jsonl", "a\"b.jsonl"),
                    pick(FilesApiTest.LINE, "", "{not json", "\u0000\u0001").getBytes(StandardCharsets.UTF_8),
                    pick("application/json", null, "", "text/plain; charset=bogus"));
            byte[] whole = m.build();
            double r = random.nextDouble();
            if (r < 0.45) {
                mutations.add("multipart:truncated");
                return java.util.Arrays.copyOf(whole, random.nextInt(whole.length));
            } else if (r < 0.6) {
                mutations.add("multipart:garbage");
                return garbageBytes();
            } else if (r < 0.7) {
                mutations.add("multipart:no-headers");
                return ("--" + Multipart.BOUNDARY + "\r\n\r\nx\r\n--" + Multipart.BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
            } else if (r < 0.8) {
                mutations.add("multipart:long-part-header");
                return ("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + "f".repeat(100_000) + "\"\r\n\r\nx\r\n--" + Multipart.BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
            }
            mutations.add("multipart");
            return whole;
        }

        private String contentType(String template, List<String> mutations) {
            String multipart = "multipart/form-data; boundary=" + Multipart.BOUNDARY;
            String normal = template.endsWith("/files") ? multipart : "application/json";
            if (chance(0.8)) return normal;
            String bad = pick(null, "text/plain", "multipart/form-data", "multipart/form-data; boundary=",
                    "multipart/form-data; boundary=\"unterminated", "application/json; charset=utf-99",
                    "application/x-www-form-urlencoded", "\u0001", "a/b/c", "application/json", multipart,
                    "multipart/form-data; boundary=" + "b".repeat(5000));
            mutations.add("content-type:" + (bad == null ? "none" : bad.length() > 40 ? "long" : bad));
            return bad;
        }

        /** Adds the body's framing; false when the body must go chunked. */
        private boolean frame(List<String> headers, byte[] body, List<String> mutations) {
            if (body == null) return true;
            double r = random.nextDouble();
            if (r < 0.85) {
                headers.add("Content-Length: " + body.length);
                return true;
            } else if (r < 0.92) {
                headers.add("Transfer-Encoding: chunked");
                return false;
            }
            String length = pick("abc", "-1", body.length + ", " + (body.length + 1), "99999999999999999999",
                    Integer.toString(body.length + 1000), Integer.toString(Math.max(0, body.length / 2)), "");
            headers.add("Content-Length: " + length);
            if (chance(0.3)) headers.add("Transfer-Encoding: chunked");
            mutations.add("content-length:" + (length.length() > 12 ? "huge" : length));
            return true;
        }

        private byte[] chunked(byte[] body, List<String> mutations) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int half = body.length / 2;
            out.writeBytes((Integer.toHexString(half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, half);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            double r = random.nextDouble();
            if (r < 0.6) {
                out.writeBytes((Integer.toHexString(body.length - half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, half, body.length - half);
                out.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                String broken = pick("zz\r\n", "ffffffffffffffffff\r\n", "5\r\nab", "", "1;" + "e".repeat(9000) + "\r\nx\r\n0\r\n\r\n");
                out.writeBytes(broken.getBytes(StandardCharsets.US_ASCII));
                mutations.add("chunked:broken");
            }
            return out.toByteArray();
        }

        private void headerMangle(List<String> headers, List<String> mutations) {
            int kind = random.nextInt(12);
            mutations.add("header:" + kind);
            switch (kind) {
                case 0 -> headers.add("X-Fill: " + "a".repeat(pick(9_000, 20_000, 70_000)));
                case 1 -> {
                    for (int i = 0; i < 400; i++) headers.add("X-Many-" + i + ": " + "v".repeat(40));
                }
                case 2 -> headers.removeIf(h -> h.startsWith("Host:"));
                case 3 -> headers.add("Host: " + pick("[::1", "a b", "127.0.0.1:99999", "", "\u00e9.invalid"));
                case 4 -> headers.add(pick("Bad Header: x", "X-\u0001: y", "NoColonHere", ": empty-name", "X-\u00e9: y"));
                case 5 -> headers.add(" folded: continuation");
                case 6 -> headers.add("X-Nul: a\u0000b");
                case 7 -> headers.add("Expect: " + pick("garbage", "100-continue", "200-ok"));
                case 8 -> headers.add("Transfer-Encoding: " + pick("gzip", "chunked, gzip", "identity", "\u00e9"));
                case 9 -> headers.add("Content-Encoding: " + pick("gzip", "br", "bogus"));
                case 10 -> headers.add("Cookie: " + "JSESSIONID=" + "%zz".repeat(100));
                default -> headers.add("api-key: " + "k".repeat(pick(100, 20_000)));
            }
        }

        private boolean chance(double p) {
            return random.nextDouble() < p;
        }

        @SafeVarargs
        private <T> T pick(T... options) {
            return options[random.nextInt(options.length)];
        }

        private <T> T pick(List<T> options) {
            return options.get(random.nextInt(options.size()));
        }
    }
}
