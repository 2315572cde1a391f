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
    private ApiKeys() {}

    /** @param generatedKey the key made on this start (to be shown once), or null */
    record Resolved(Set<String> keys, String generatedKey, Path file) {
        /** The one-time notice with a ready-to-paste curl command and the portal's address, once the port is known. */
        String notice(String host, int port) {
            return String.format("%nGenerated an API key (kept in %s):%n  %s%nTry it:%n"
                    + "  curl -H \"api-key: %s\" \"http://%s:%d/openai/models?api-version=2024-10-21\"%n"
                    + "or open the web portal at http://%s:%d/ and sign in with the key.%n",
                    file, generatedKey, generatedKey, host, port, host, port);
        }
    }

    static Resolved resolve(ServerConfig config) throws IOException {
        Path file = ServerConfig.apiKeyFile(config.dataDir());
        if (!config.apiKeys().isEmpty()) return new Resolved(config.apiKeys(), null, file);
        if (Files.isRegularFile(file)) {
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!key.isEmpty()) return new Resolved(Set.of(key), null, file);
        }
        String key = "wst-" + Ids.hexOf(Ids.newId("k-"));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own permissions protect it
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new Resolved(Set.of(key), key, file);
    }
}
