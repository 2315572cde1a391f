package dev.whetstone.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code whetstone serve} can be told (docs/configuration.md). Built by the CLI from options and
 * WHETSTONE_* environment variables; tests build it directly.
 *
 * @param dbUrl      JDBC URL; null means a SQLite file in the data folder
 * @param modelsDir  null means {@code <data>/models}
 * @param apiKeys    accepted keys; empty means: use the key kept in the data folder, generating it on first start
 * @param modelAliases alias → model id, for clients that hard-code Azure model names
 */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        String dbUrl,
        Path modelsDir,
        Set<String> apiKeys,
        Map<String, String> modelAliases,
        long maxUploadBytes,
        boolean importAllowPrivate,
        Duration importTimeout,
        boolean createDemoModels) {

    public static final long DEFAULT_MAX_UPLOAD_BYTES = 512L * 1024 * 1024;

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("127.0.0.1", 8080, dataDir, null, null, Set.of(), Map.of(),
                DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofMinutes(10), true);
    }

    public Path effectiveModelsDir() { return modelsDir != null ? modelsDir : dataDir.resolve("models"); }

    public String effectiveDbUrl() {
        return dbUrl != null ? dbUrl : "jdbc:sqlite:" + dataDir.resolve("whetstone.db").toAbsolutePath();
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, dbUrl, modelsDir, apiKeys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels);
    }

    public ServerConfig withApiKeys(Set<String> keys) {
        return new ServerConfig(host, port, dataDir, dbUrl, modelsDir, keys, modelAliases, maxUploadBytes,
                importAllowPrivate, importTimeout, createDemoModels);
    }
}
