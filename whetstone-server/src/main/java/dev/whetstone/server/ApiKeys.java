package dev.whetstone.server;

import dev.whetstone.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Secure by default: with no key configured, the service generates one on first start, keeps it in the data
 * folder (readable by the owner only) and prints it once with a ready-to-paste curl command.
 */
final class ApiKeys {
    static final String FILE_NAME = "api-key";

    private ApiKeys() {}

    static Set<String> resolve(ServerConfig config) throws IOException {
        if (!config.apiKeys().isEmpty()) return config.apiKeys();
        Path file = config.dataDir().resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!key.isEmpty()) return Set.of(key);
        }
        String key = "wst-" + Ids.hexOf(Ids.newId("k-"));
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own permissions protect it
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("%nGenerated an API key (kept in %s):%n  %s%nTry it:%n"
                + "  curl -H \"api-key: %s\" \"http://%s:%d/openai/models?api-version=2024-10-21\"%n%n",
                file, key, key, config.host(), config.port());
        return Set.of(key);
    }
}
