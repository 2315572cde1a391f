package dev.whetstone.graders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code python} grader's {@code grade(sample, item)} in a separate python3 process, one per grading.
 *
 * <p>What isolates it, and what does not:
 * <ul>
 *   <li><b>No network</b>: the process starts inside {@code unshare --user --map-root-user --net}, a new network
 *       namespace holding only a downed loopback device, so no socket reaches any host. The sandbox is only
 *       {@linkplain #available() available} where that works (Linux with unprivileged user namespaces);
 *       elsewhere python graders are refused with a 400 rather than run with network access.</li>
 *   <li><b>Limits</b> as the OpenAI graders guide documents them: source at most 256 KiB; address space 2 GiB
 *       ({@code RLIMIT_AS}), files it writes at most 1 GiB each ({@code RLIMIT_FSIZE}), CPU time and wall clock
 *       2 minutes ({@code RLIMIT_CPU}, and the JVM kills the process when the wall clock runs out) — all set by
 *       the harness before the user's code is compiled.</li>
 *   <li><b>Environment</b>: python's isolated mode ({@code -I}: no user site, no {@code PYTHON*} variables), an
 *       empty environment apart from {@code PATH}, and a fresh temporary working directory removed afterwards.</li>
 *   <li><b>Not isolated</b>: the file system. The code runs as the service's user and can read what that user
 *       can read; it is a grader the API caller wrote, so run the service under a user that holds nothing more
 *       than it needs. There is no seccomp filter and no container image ({@code image_tag} is accepted and not
 *       used: the host's python3 and whatever packages it has are the image).</li>
 * </ul>
 */
public final class PythonSandbox {
    public static final int MAX_SOURCE_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_OUTPUT = 1 << 20;
    private static final int MAX_DETAILS = 4000;
    private static final java.util.concurrent.Semaphore SLOTS =
            new java.util.concurrent.Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

    /** Reads the request from stdin, limits itself, then compiles and runs the user's code; prints one JSON line. */
    private static final String HARNESS = """
            import sys, json, os, resource, ast, traceback, math
            req = json.loads(sys.stdin.buffer.read().decode("utf-8"))
            out = os.fdopen(os.dup(1), "w")
            os.dup2(2, 1)
            def emit(obj):
                out.write(json.dumps(obj)); out.flush(); sys.exit(0)
            for lim, v in ((resource.RLIMIT_AS, req["memory"]), (resource.RLIMIT_CPU, req["cpu"]), (resource.RLIMIT_FSIZE, req["fsize"])):
                resource.setrlimit(lim, (v, v))
            try:
                tree = ast.parse(req["source"], "<grader>")
            except SyntaxError as e:
                emit({"syntax_error": "line %s: %s" % (e.lineno, e.msg)})
            if not any(isinstance(n, ast.FunctionDef) and n.name == "grade" for n in tree.body):
                emit({"syntax_error": "the source defines no top-level function grade(sample, item)"})
            if req["mode"] == "check":
                emit({"ok": True})
            try:
                ns = {"__name__": "__grader__"}
                exec(compile(tree, "<grader>", "exec"), ns)
                r = ns["grade"](req["sample"], req["item"])
            except BaseException as e:
                emit({"runtime_error": "".join(traceback.format_exception(type(e), e, e.__traceback__, limit=8))})
            if isinstance(r, bool) or not isinstance(r, (int, float)):
                emit({"runtime_error": "grade() must return a number, it returned %s" % type(r).__name__})
            if not math.isfinite(r):
                emit({"runtime_error": "grade() returned %r, which is not a finite number" % (r,)})
            emit({"reward": float(r)})
            """;

    private final Path python;
    private final String unavailable;
    private final Duration timeout;
    private final long memoryBytes;

    private PythonSandbox(Path python, String unavailable, Duration timeout, long memoryBytes) {
        this.python = python;
        this.unavailable = unavailable;
        this.timeout = timeout;
        this.memoryBytes = memoryBytes;
    }

    /** No interpreter: every python grader is refused with {@code reason}. */
    public static PythonSandbox unavailable(String reason) {
        return new PythonSandbox(null, reason, Duration.ZERO, 0);
    }

    /**
     * Finds python3 on the PATH and checks that a network namespace can be made; the documented limits. Probed once
     * per JVM (two short processes), as every server of the process shares the answer.
     */
    public static PythonSandbox detect() {
        return Detected.DEFAULT;
    }

    private static final class Detected {
        static final PythonSandbox DEFAULT = detect(Duration.ofMinutes(2), 2L << 30);
    }

    public static PythonSandbox detect(Duration timeout, long memoryBytes) {
        Optional<String> exe = firstLine(List.of("python3", "-c", "import sys, resource; print(sys.executable)"));
        if (exe.isEmpty() || exe.get().isBlank()) {
            return unavailable("Python graders need a python3 interpreter on the service's PATH, and there is none.");
        }
        Path python = Path.of(exe.get().strip());
        Optional<String> net = firstLine(List.of("unshare", "--user", "--map-root-user", "--net", python.toString(),
                "-c", "print('isolated')"));
        if (net.isEmpty() || !net.get().strip().equals("isolated")) {
            return unavailable("Python graders run without network access, which needs unprivileged user and network "
                    + "namespaces (unshare); this machine does not allow them, so python graders are not available.");
        }
        return new PythonSandbox(python, null, timeout, memoryBytes);
    }

    public boolean available() { return unavailable == null; }

    /** Why python graders are refused here, or null when they run. */
    public String unavailableReason() { return unavailable; }

    /** The outcome of one process: exactly one of the fields is set. */
    public record Outcome(Double reward, String syntaxError, String runtimeError, String serverError) {}

    /** Parses the source and checks that it defines {@code grade}; nothing of it runs. */
    public Outcome check(String source) {
        return run("check", source, null, JSON.createObjectNode());
    }

    public Outcome grade(String source, GradingSample sample) {
        ObjectNode s = JSON.createObjectNode();
        s.put("output_text", sample.outputText());
        s.set("output_json", sample.outputJson());
        return run("grade", source, s, sample.item());
    }

    private Outcome run(String mode, String source, JsonNode sample, JsonNode item) {
        if (!available()) return new Outcome(null, null, null, unavailable);
        // One grader process per core at most: each may use 2 GiB and a core for 2 minutes, and requests can
        // arrive faster than that; the rest wait their turn.
        try {
            SLOTS.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, null, null, "interrupted while waiting for a grader process slot");
        }
        try {
            return runProcess(mode, source, sample, item);
        } finally {
            SLOTS.release();
        }
    }

    private Outcome runProcess(String mode, String source, JsonNode sample, JsonNode item) {
        ObjectNode req = JSON.createObjectNode();
        req.put("mode", mode).put("source", source).put("memory", memoryBytes)
                .put("cpu", Math.max(1, timeout.toSeconds())).put("fsize", 1L << 30);
        req.set("sample", sample);
        req.set("item", item);
        Path dir = null;
        Process p = null;
        try {
            dir = Files.createTempDirectory("whetstone-grader-");
            ProcessBuilder pb = new ProcessBuilder("unshare", "--user", "--map-root-user", "--net",
                    python.toString(), "-I", "-c", HARNESS).directory(dir.toFile());
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            pb.environment().put("HOME", dir.toString());
            p = pb.start();
            Process proc = p;
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readLimited(proc.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readLimited(proc.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(JSON.writeValueAsBytes(req));
            } catch (IOException ignored) {
                // the process died before reading its input; its exit says why
            }
            if (!p.waitFor(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Outcome(null, null, "grade() did not finish within " + timeout.toSeconds() + " s.", null);
            }
            String stdout = new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
            String stderr = new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
            if (stdout.isEmpty()) {
                String why = p.exitValue() == 128 + 24 || p.exitValue() == -24 ? "it used more than its CPU time"
                        : "it exited with status " + p.exitValue() + " without a result";
                return new Outcome(null, null, "The grader process ended: " + why + "." + tail(stderr), null);
            }
            JsonNode res = JSON.readTree(stdout);
            if (res.has("reward")) return new Outcome(res.get("reward").asDouble(), null, null, null);
            if (res.has("ok")) return new Outcome(0.0, null, null, null);
            if (res.has("syntax_error")) return new Outcome(null, res.get("syntax_error").asText(), null, null);
            return new Outcome(null, null, clip(res.path("runtime_error").asText()), null);
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Outcome(null, null, null, "The python grader process could not be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, null, null, "interrupted");
        } finally {
            if (p != null && p.isAlive()) p.destroyForcibly();
            if (dir != null) deleteTree(dir);
        }
    }

    private static String tail(String stderr) {
        return stderr.isEmpty() ? "" : " Its last output: " + clip(stderr);
    }

    private static String clip(String s) {
        return s.length() <= MAX_DETAILS ? s : "…" + s.substring(s.length() - MAX_DETAILS);
    }

    private static byte[] readLimited(InputStream in) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) > 0) if (buf.size() < MAX_OUTPUT) buf.write(chunk, 0, Math.min(n, MAX_OUTPUT - buf.size()));
        } catch (IOException ignored) {
            // the process was killed; what was read is what there is
        }
        return buf.toByteArray();
    }

    private static Optional<String> firstLine(List<String> command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = readLimited(p.getInputStream());
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            if (p.exitValue() != 0) return Optional.empty();
            String s = new String(out, StandardCharsets.UTF_8).strip();
            int nl = s.indexOf('\n');
            return Optional.of(nl < 0 ? s : s.substring(0, nl));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp folder is harmless
        }
    }
}
