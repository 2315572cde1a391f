package dev.whetstone.server.auth;

import dev.whetstone.Ids;
import dev.whetstone.store.ServiceSecretStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admin API key and the token-signing secret, kept in the database so that every replica, whatever its data
 * folder, accepts the same key and the same tokens (docs/security.md). Each is created once: the first process
 * that finds none stores the value from its data folder's old file ({@code api-key}, {@code token-secret}: an
 * existing install keeps its key and tokens) or a new random one, and every process then uses what the database
 * holds, so processes starting together agree. The values are never replaced, so they are read once per process.
 */
public final class ServiceSecrets {
    private static final int SECRET_BYTES = 32;

    private final ServiceSecretStore store;
    private final Path dataDir;
    private final Clock clock;

    /** @param dataDir where an install from before the database kept them; null: nothing to import */
    public ServiceSecrets(ServiceSecretStore store, Path dataDir, Clock clock) {
        this.store = store;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /** The file a data folder kept its generated API key in before the database did; imported on first start. */
    public static Path apiKeyFile(Path dataDir) { return dataDir.resolve("api-key"); }

    /** The file a data folder kept its token secret in before the database did; imported on first start. */
    public static Path tokenSecretFile(Path dataDir) { return dataDir.resolve("token-secret"); }

    /** A value and whether this call created it (then it is shown once). */
    public record Secret(String value, boolean generatedHere) {}

    /** The service's admin API key: stored, imported from the data folder, or generated now. */
    public Secret apiKey() throws IOException {
        return resolve(ServiceSecretStore.API_KEY, dataDir == null ? null : apiKeyFile(dataDir),
                () -> "wst-" + Ids.hexOf(Ids.newId("k-")));
    }

    /** The tokens this service signs and accepts, with the stored (imported or generated) secret. */
    public AccessTokens tokens(Clock tokenClock) throws IOException {
        String hex = resolve(ServiceSecretStore.TOKEN_SECRET, dataDir == null ? null : tokenSecretFile(dataDir), () -> {
            byte[] bytes = new byte[SECRET_BYTES];
            new SecureRandom().nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }).value();
        return new AccessTokens(parseSecret(hex, "the stored token secret"), tokenClock);
    }

    /**
     * A token secret given as hex (e.g. {@code openssl rand -hex 32}), at least 32 bytes.
     *
     * @param what names the source in the message (an option, a file)
     */
    public static byte[] parseSecret(String hex, String what) {
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hex.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " must be hexadecimal (e.g. the output of `openssl rand -hex 32`): "
                    + e.getMessage(), e);
        }
        if (bytes.length < SECRET_BYTES) {
            throw new IllegalArgumentException(what + " must have at least " + SECRET_BYTES + " bytes (" + 2 * SECRET_BYTES
                    + " hex digits), got " + bytes.length);
        }
        return bytes;
    }

    private Secret resolve(String name, Path oldFile, Supplier<String> generate) throws IOException {
        Optional<String> stored = store.find(name);
        if (stored.isPresent()) return new Secret(stored.get(), false);
        String imported = oldFile != null && Files.isRegularFile(oldFile)
                ? Files.readString(oldFile, StandardCharsets.UTF_8).strip() : "";
        if (!imported.isEmpty() && name.equals(ServiceSecretStore.TOKEN_SECRET)) {
            parseSecret(imported, "the token secret " + oldFile); // a damaged file is not spread to the cluster
        }
        String value = imported.isEmpty() ? generate.get() : imported;
        boolean inserted = store.insert(name, value, clock.instant().getEpochSecond());
        // Another process may have stored its value first: theirs counts, for every process.
        String current = store.find(name).orElseThrow(() -> new IllegalStateException(
                "the " + name + " secret vanished from the database right after it was stored"));
        return new Secret(current, inserted && imported.isEmpty());
    }
}
