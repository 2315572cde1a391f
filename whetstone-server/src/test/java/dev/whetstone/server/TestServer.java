package dev.whetstone.server;

import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.AzureOpenAIServiceVersion;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.client.OpenAIClient;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import dev.whetstone.deployments.DeploymentLifecycle;
import dev.whetstone.deployments.DeploymentLookup;
import dev.whetstone.files.FileStatistics;
import dev.whetstone.files.FileValidation;
import dev.whetstone.jobs.JobStores;
import dev.whetstone.safety.SafetySettings;
import dev.whetstone.worker.WorkerSettings;
import dev.whetstone.server.api.inference.InferenceApiOptions;
import dev.whetstone.testing.FakeInferenceEngine;
import dev.whetstone.testing.InMemoryAccountKeyStore;
import dev.whetstone.testing.InMemoryProcessStore;
import dev.whetstone.testing.InMemoryAccountStore;
import dev.whetstone.testing.FakeModels;
import dev.whetstone.testing.FakeTrainer;
import dev.whetstone.store.BaseModelStore;
import dev.whetstone.store.BlobStore;
import dev.whetstone.testing.InMemoryBaseModelStore;
import dev.whetstone.testing.InMemoryBlobStore;
import dev.whetstone.testing.InMemoryCheckpointStore;
import dev.whetstone.testing.InMemoryDeploymentStore;
import dev.whetstone.testing.InMemorySafetyStore;
import dev.whetstone.testing.InMemoryFileStore;
import dev.whetstone.testing.InMemoryJobEventStore;
import dev.whetstone.testing.InMemoryJobStore;
import dev.whetstone.testing.InMemoryModelStore;
import dev.whetstone.testing.InMemoryServiceSecretStore;
import dev.whetstone.deployments.DeploymentQuotas;
import dev.whetstone.deployments.SharedQuotas;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Role;
import dev.whetstone.server.auth.ServiceSecrets;
import dev.whetstone.store.AccountKeyStore;
import dev.whetstone.store.BlobStore;
import dev.whetstone.store.DeploymentStore;
import dev.whetstone.store.FileStore;
import dev.whetstone.store.SafetyStore;
import dev.whetstone.store.ServiceSecretStore;
import dev.whetstone.store.sql.Database;
import dev.whetstone.store.sql.JdbiAccountKeyStore;
import dev.whetstone.store.sql.JdbiAccountStore;
import dev.whetstone.store.sql.JdbiProcessStore;
import dev.whetstone.store.ProcessStore;
import dev.whetstone.store.AccountStore;
import dev.whetstone.store.sql.JdbiCheckpointStore;
import dev.whetstone.store.sql.JdbiDeploymentStore;
import dev.whetstone.store.sql.JdbiFileStore;
import dev.whetstone.store.sql.JdbiJobEventStore;
import dev.whetstone.store.sql.JdbiJobStore;
import dev.whetstone.store.sql.JdbiModelStore;
import dev.whetstone.store.sql.JdbiQuotaStore;
import dev.whetstone.store.sql.JdbiBaseModelStore;
import dev.whetstone.store.sql.JdbiSafetyStore;
import dev.whetstone.store.sql.JdbiServiceSecretStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;

/**
 * A real server on a random loopback port over in-memory stores, driven over HTTP by the tests. Jobs train with
 * the FakeTrainer on fake model folders: {@code tiny-chat} (chat template; alias gpt-35-turbo-0613) and
 * {@code tiny-base} (none).
 */
final class TestServer implements AutoCloseable {
    static final String KEY = "test-key-123";
    /** Short leases and a metrics event every 2 steps, so tests see the whole life of a job quickly. */
    static final WorkerSettings WORKER_SETTINGS = new WorkerSettings(Duration.ofSeconds(30), Duration.ofMillis(100),
            Duration.ofMillis(20), 2, 3);

    /** Tests that close a server mid-request wait at most this long for it. */
    static final Duration DRAIN = Duration.ofSeconds(5);

    final WhetstoneServer server;
    final String base;
    final JobStores stores;
    final Shared shared;
    final FakeInferenceEngine engine;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Path dataDir;
    /** The admin key this server accepts: {@link #KEY}, or the service's own key from its database. */
    final String key;

    private TestServer(WhetstoneServer server, Shared shared, FakeInferenceEngine engine, Path dataDir, String key) {
        this.server = server;
        this.dataDir = dataDir;
        this.key = key;
        this.engine = engine;
        this.base = "http://127.0.0.1:" + server.port();
        this.shared = shared;
        this.stores = shared.jobs();
    }

    /** In-memory stores; the validation under test is passed in (or a trivial one for HTTP-only tests). */
    static TestServer start(Path dataDir, long maxUploadBytes, FileValidation validation) throws Exception {
        return start(dataDir, maxUploadBytes, validation, new FakeTrainer(), 1, Clock.systemUTC(), 20);
    }

    static TestServer start(Path dataDir) throws Exception {
        return start(dataDir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES,
                in -> new FileValidation.Result(true, new FileStatistics("chat", in.readAllBytes().length > 0 ? 1 : 0, 1), null));
    }

    /** With jobs: line-counting validation, the given trainer and number of in-process workers. */
    static TestServer withJobs(Path dataDir, FakeTrainer trainer, int workers, Clock clock, int maxActiveJobs) throws Exception {
        return start(dataDir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, TestServer::validate, trainer, workers, clock, maxActiveJobs);
    }

    /**
     * A second server over the same stores and data folder, as a scale-out replica sharing PostgreSQL and the
     * object store would be.
     */
    static TestServer replicaOf(TestServer other, Path dataDir, FakeTrainer trainer, int workers, Clock clock) throws Exception {
        return start(dataDir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, TestServer::validate, trainer, workers, clock, 20,
                other.shared);
    }

    private static TestServer start(Path dataDir, long maxUploadBytes, FileValidation validation, FakeTrainer trainer,
                                    int workers, Clock clock, int maxActiveJobs) throws Exception {
        return start(dataDir, maxUploadBytes, validation, trainer, workers, clock, maxActiveJobs, newShared(), w -> w);
    }

    /** Inference answered from {@code lookup} (fake deployments), no training workers. */
    static TestServer withInference(Path dataDir, DeploymentLookup lookup, InferenceApiOptions options) throws Exception {
        return start(dataDir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, TestServer::validate, new FakeTrainer(), 0,
                Clock.systemUTC(), 20, newShared(), w -> w.withInference(lookup, options));
    }

    /**
     * A cluster member: its own data folder (nothing else on its disk is shared), the cluster's database stores and
     * {@code cluster}'s blob store, which holds every artifact (read through this server's own cache).
     */
    static TestServer clusterMember(Path dataDir, Shared cluster, FakeTrainer trainer, int workers, Clock clock)
            throws Exception {
        return start(dataDir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, TestServer::validate, trainer, workers, clock, 20,
                cluster, w -> w, c -> c.withArtifacts(ArtifactOptions.objectStore(1L << 30)), new FakeInferenceEngine());
    }

    /** Database stores in memory and {@code objectStore} for blobs: what the machines of a cluster share. */
    static Shared clusterStores(BlobStore objectStore) {
        return new Shared(new InMemoryFileStore(), objectStore, new JobStores(new InMemoryJobStore(),
                new InMemoryJobEventStore(), new InMemoryCheckpointStore(), new InMemoryModelStore()),
                new InMemoryDeploymentStore(), new InMemorySafetyStore(), new InMemoryAccountKeyStore(),
                new InMemoryProcessStore(), new InMemoryAccountStore(), new InMemoryServiceSecretStore(), null,
                new InMemoryBaseModelStore());
    }

    private static Shared newShared() {
        return new Shared(new InMemoryFileStore(), new InMemoryBlobStore(), new JobStores(new InMemoryJobStore(),
                new InMemoryJobEventStore(), new InMemoryCheckpointStore(), new InMemoryModelStore()),
                new InMemoryDeploymentStore(), new InMemorySafetyStore(), new InMemoryAccountKeyStore(),
                new InMemoryProcessStore(), new InMemoryAccountStore(), new InMemoryServiceSecretStore(), null,
                new InMemoryBaseModelStore());
    }

    /**
     * A replica on {@code database} as `whetstone serve` on PostgreSQL wires it: every store, the shared quota
     * buckets and the service secrets in the database; only blobs stay in this server's memory. Each replica
     * gets its own data folder, so nothing but the database is shared. Inference on the fake engine, no workers.
     */
    static TestServer onDatabase(Path dataDir, Database database, Clock clock) throws Exception {
        Shared shared = new Shared(new JdbiFileStore(database), new InMemoryBlobStore(), new JobStores(
                new JdbiJobStore(database), new JdbiJobEventStore(database), new JdbiCheckpointStore(database),
                new JdbiModelStore(database)), new JdbiDeploymentStore(database), new JdbiSafetyStore(database),
                new JdbiAccountKeyStore(database), new JdbiProcessStore(database), new JdbiAccountStore(database),
                new JdbiServiceSecretStore(database), new SharedQuotas(new JdbiQuotaStore(database), clock),
                new JdbiBaseModelStore(database));
        return start(dataDir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, TestServer::validate, new FakeTrainer(), 0, clock,
                20, shared, w -> w, c -> c.withApiKeys(Set.of()), new FakeInferenceEngine());
    }

    private static TestServer start(Path dataDir, long maxUploadBytes, FileValidation validation, FakeTrainer trainer,
                                    int workers, Clock clock, int maxActiveJobs, Shared shared) throws Exception {
        return start(dataDir, maxUploadBytes, validation, trainer, workers, clock, maxActiveJobs, shared, w -> w);
    }

    private static TestServer start(Path dataDir, long maxUploadBytes, FileValidation validation, FakeTrainer trainer,
                                    int workers, Clock clock, int maxActiveJobs, Shared shared,
                                    UnaryOperator<Wiring> customize) throws Exception {
        return start(dataDir, maxUploadBytes, validation, trainer, workers, clock, maxActiveJobs, shared, customize,
                c -> c, new FakeInferenceEngine());
    }

    /** With jobs and the given safety settings; {@code engine} serves deployments and the model evaluation. */
    static TestServer withSafety(Path dataDir, FakeTrainer trainer, SafetySettings safety, FakeInferenceEngine engine)
            throws Exception {
        return start(dataDir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, TestServer::validate, trainer, 1, Clock.systemUTC(),
                20, newShared(), w -> w, c -> c.withSafety(safety), engine);
    }

    /** Keys with roles, an identity provider (access), no workers. */
    static TestServer withAccess(Path dataDir, AccessOptions access) throws Exception {
        return start(dataDir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, TestServer::validate, new FakeTrainer(), 0,
                Clock.systemUTC(), 20, newShared(), w -> w, c -> c.withAccess(access), new FakeInferenceEngine());
    }

    /** Deployments deleted by {@code lifecycle} on {@code clock} (DeveloperTier lifetime, idle limit); no workers. */
    static TestServer withLifecycle(Path dataDir, Clock clock, DeploymentLifecycle lifecycle) throws Exception {
        return start(dataDir, ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, TestServer::validate, new FakeTrainer(), 0, clock,
                20, newShared(), w -> w, c -> c.withManagement(ManagementOptions.DEFAULTS.withLifecycle(lifecycle)),
                new FakeInferenceEngine());
    }

    private static TestServer start(Path dataDir, long maxUploadBytes, FileValidation validation, FakeTrainer trainer,
                                    int workers, Clock clock, int maxActiveJobs, Shared shared,
                                    UnaryOperator<Wiring> customize, UnaryOperator<ServerConfig> configure,
                                    FakeInferenceEngine engine) throws Exception {
        ServerConfig config = configure.apply(new ServerConfig("127.0.0.1", 0, dataDir, null, null, Set.of(KEY),
                Map.of("gpt-35-turbo-0613", "tiny-chat"), maxUploadBytes, false, Duration.ofSeconds(30), false));
        FakeModels.create(config.effectiveModelsDir(), "tiny-chat", true);
        FakeModels.create(config.effectiveModelsDir(), "tiny-base", false);
        JobWiring jobs = new JobWiring(shared.jobs(), trainer, workers, maxActiveJobs, WORKER_SETTINGS, clock,
                shared.processes(), shared.baseModels());
        ServingWiring serving = new ServingWiring(shared.deployments(), shared.safety(), shared.accountKeys(), engine, clock,
                shared.accounts(), shared.secrets(),
                shared.quotas() != null ? shared.quotas() : DeploymentQuotas.local(clock));
        Set<String> apiKeys = config.apiKeys().isEmpty()
                ? Set.of(new ServiceSecrets(shared.secrets(), dataDir, clock).apiKey().value()) : config.apiKeys();
        Wiring wiring = customize.apply(Wiring.of(config, shared.files(), shared.blobs(), validation, jobs, serving,
                apiKeys, List.of(engine)));
        return new TestServer(WhetstoneServer.start(config, wiring, DRAIN), shared, engine, dataDir, apiKeys.iterator().next());
    }

    /**
     * The stores a server keeps its state in.
     *
     * @param quotas the deployments' buckets shared with other replicas, or null for this server's own in memory
 * @param baseModels base models registered in the object store
     */
    record Shared(FileStore files, BlobStore blobs, JobStores jobs, DeploymentStore deployments, SafetyStore safety,
                  AccountKeyStore accountKeys, ProcessStore processes, AccountStore accounts, ServiceSecretStore secrets,
                  DeploymentQuotas quotas, BaseModelStore baseModels) {}
    /** The service's tokens, signed with the secret its replicas share (as `whetstone token` mints them). */
    AccessTokens tokens(Clock clock) throws IOException {
        return new ServiceSecrets(shared.secrets(), dataDir, clock).tokens(clock);
    }

    /** An admin token valid for an hour. */
    String adminToken() throws IOException {
        return tokens(Clock.systemUTC()).mint(Role.ADMIN, Duration.ofHours(1));
    }

    /** The service's own API key (generated once in its database when the config names none). */
    String serviceKey() throws IOException {
        return new ServiceSecrets(shared.secrets(), dataDir, Clock.systemUTC()).apiKey().value();
    }

    /**
     * Counts lines and tells preference, reinforcement (messages ending with the user's turn), chat and
     * prompt/completion apart by the first one, as the real validator reports.
     */
    static FileValidation.Result validate(InputStream in) throws IOException {
        List<String> lines = lines(in);
        if (lines.isEmpty()) return new FileValidation.Result(false, null, "The file has no examples.");
        String first = lines.getFirst();
        String format = first.contains("\"preferred_output\"") ? "preference"
                : first.contains("\"messages\"") ? (endsWithUser(first) ? "reinforcement" : "chat")
                : "prompt_completion";
        return new FileValidation.Result(true, new FileStatistics(format, lines.size(), lines.size() * 20L), null);
    }

    private static boolean endsWithUser(String line) {
        try {
            var messages = dev.whetstone.server.api.Json.MAPPER.readTree(line).path("messages");
            return messages.isArray() && !messages.isEmpty()
                    && messages.get(messages.size() - 1).path("role").asText().equals("user");
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> lines(InputStream in) throws IOException {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\uFEFF", "");
        return text.lines().filter(l -> !l.isBlank()).toList();
    }

    /** The official openai-java client in Azure LEGACY mode against this server, without retries. */
    OpenAIClient azureClient() {
        return azureClient(base, key);
    }

    /**
     * Writes {@code text} to {@code file}, uploads it with purpose fine-tune through the official client and waits up
     * to {@code timeout} for the service's validation to mark it processed: the file id.
     */
    static String uploadProcessed(OpenAIClient client, Path file, String text, Duration timeout) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        String id = client.files().create(FileCreateParams.builder().file(file)
                .purpose(FilePurpose.FINE_TUNE).build()).id();
        Awaitility.await().atMost(timeout)
                .until(() -> client.files().retrieve(id).status().asString().equals("processed"));
        return id;
    }

    /** The official client as Azure users configure it: LEGACY paths, api-key header, no retries. */
    static OpenAIClient azureClient(String base, String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(base)
                .credential(AzureApiKeyCredential.create(key))
                .azureServiceVersion(AzureOpenAIServiceVersion.fromString("2024-10-21"))
                .azureUrlPathMode(AzureUrlPathMode.LEGACY)
                .maxRetries(0)
                .build();
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("api-key", key).timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(request(path).GET().build());
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    @Override
    public void close() {
        server.close();
    }
}
