package dev.whetstone.server;

import dev.whetstone.files.FileStatistics;
import dev.whetstone.files.FileValidation;
import dev.whetstone.testing.InMemoryBlobStore;
import dev.whetstone.testing.InMemoryFileStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A real server on a random loopback port over in-memory stores, driven over HTTP by the tests. */
final class TestServer implements AutoCloseable {
    static final String KEY = "test-key-123";

    final WhetstoneServer server;
    final String base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestServer(WhetstoneServer server) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.port();
    }

    /** In-memory stores; the validation under test is passed in (or a trivial one for HTTP-only tests). */
    static TestServer start(Path dataDir, long maxUploadBytes, FileValidation validation) throws Exception {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, dataDir, null, null, Set.of(KEY),
                Map.of("gpt-35-turbo-0613", "tiny-chat"), maxUploadBytes, false, Duration.ofSeconds(30), false);
        Wiring wiring = Wiring.of(config, new InMemoryFileStore(), new InMemoryBlobStore(), validation,
                config.apiKeys(), List.of());
        return new TestServer(WhetstoneServer.start(config, wiring));
    }

    static TestServer start(Path dataDir) throws Exception {
        return start(dataDir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES,
                in -> new FileValidation.Result(true, new FileStatistics("chat", in.readAllBytes().length > 0 ? 1 : 0, 1), null));
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("api-key", KEY).timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(request(path).GET().build());
    }

    @Override
    public void close() {
        server.close();
    }
}
