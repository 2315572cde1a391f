package dev.whetstone.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code whetstone serve} or {@code whetstone worker} in a child JVM on this test's classpath, so it can be killed
 * like a real process. Output goes to a log file beside the data folder, shown when the child fails to start.
 */
final class ChildService implements AutoCloseable {
    static final String KEY = "child-test-key";

    private final Process process;
    private final Path log;
    final int port;

    private ChildService(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** {@code serve} on a free port with a short worker lease; returns once it answers HTTP. */
    static ChildService serve(Path data, Duration lease, String... extra) throws Exception {
        return serve(data, lease, Map.of(), extra);
    }

    /** {@code serve} as above with these environment variables added (WHETSTONE_*, AWS_*). */
    static ChildService serve(Path data, Duration lease, Map<String, String> environment, String... extra) throws Exception {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("serve", "--data", data.toString(), "--port", String.valueOf(port),
                "--api-key", KEY, "--worker-lease-seconds", String.valueOf(lease.toSeconds())));
        args.addAll(List.of(extra));
        ChildService child = start(data, port, args, environment);
        child.awaitHttp(Duration.ofSeconds(90));
        return child;
    }

    /**
     * {@code serve --data DATA --port P} plus {@code args}, configured otherwise by {@code environment} alone, as a
     * production replica is: no {@code --api-key}, so it uses the key in the database ({@code whetstone api-key}).
     * Returns once {@code /readyz} answers 200; reach it with {@link #client(String)}.
     */
    static ChildService replica(Path data, Map<String, String> environment, String... args) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("serve", "--data", data.toString(), "--port", String.valueOf(port)));
        command.addAll(List.of(args));
        ChildService child = start(data, port, command, environment);
        child.awaitPath("/readyz", Duration.ofSeconds(120), null);
        return child;
    }

    /** {@code worker --data DATA} plus {@code args}, configured otherwise by {@code environment}; returns at once. */
    static ChildService worker(Path data, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("worker", "--data", data.toString()));
        command.addAll(List.of(args));
        return start(data, -1, command, environment);
    }

    /** {@code worker} with a short lease; returns at once (it has no HTTP to wait for). */
    static ChildService worker(Path data, Duration lease) throws Exception {
        return start(data, -1, List.of("worker", "--data", data.toString(), "--worker-lease-seconds",
                String.valueOf(lease.toSeconds())), Map.of());
    }

    /** {@code worker} with its ops listener on a free port ({@link #port}); returns once {@code /livez} answers. */
    static ChildService workerWithMetrics(Path data, Duration lease) throws Exception {
        int port = freePort();
        ChildService child = start(data, port, List.of("worker", "--data", data.toString(), "--worker-lease-seconds",
                String.valueOf(lease.toSeconds()), "--metrics-port", String.valueOf(port)), Map.of());
        child.awaitPath("/livez", Duration.ofSeconds(90), null);
        return child;
    }

    /** Any whetstone command in a child JVM, not waited for (tests of start-up failures wait for its exit). */
    static ChildService start(Path data, int port, List<String> args, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                "-cp", System.getProperty("java.class.path"), WhetstoneCli.class.getName()));
        command.addAll(args);
        Path log = Files.createTempFile(data.getParent(), args.getFirst() + "-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE"); // as the launcher sets it (DESIGN.md 4b)
        pb.environment().putAll(environment);
        return new ChildService(pb.start(), log, port);
    }

    String endpoint() { return "http://127.0.0.1:" + port; }

    ServiceClient client() { return new ServiceClient(endpoint(), KEY); }

    ServiceClient client(String apiKey) { return new ServiceClient(endpoint(), apiKey); }

    Process process() { return process; }

    String logText() throws IOException { return Files.readString(log); }

    private void awaitHttp(Duration timeout) throws Exception {
        awaitPath("/openai/models?api-version=2024-10-21", timeout, KEY);
    }

    private void awaitPath(String path, Duration timeout, String key) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("child exited with " + process.exitValue() + ":\n" + logText());
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint() + path));
                if (key != null) b.header("api-key", key);
                HttpRequest r = b.build();
                if (http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("child did not answer within " + timeout + ":\n" + logText());
    }

    /** kill -9: no shutdown hook runs, the job stays claimed until its lease expires. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
