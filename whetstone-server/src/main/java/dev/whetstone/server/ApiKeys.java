package dev.whetstone.server;

import dev.whetstone.server.auth.ServiceSecrets;
import java.io.IOException;
import java.util.Set;

/**
 * Secure by default: with no key configured, the service generates one on first start, keeps it in the database
 * (so every replica accepts it; docs/security.md) and prints it once with a ready-to-paste curl command.
 */
final class ApiKeys {
    private ApiKeys() {}

    /** @param generatedKey the key made on this start (to be shown once), or null */
    record Resolved(Set<String> keys, String generatedKey) {
        /** The one-time notice with a ready-to-paste curl command and the portal's address, once the port is known. */
        String notice(String host, int port) {
            return String.format("%nGenerated an API key (kept in the database; `whetstone token` and "
                    + "`whetstone jobs` read it there):%n  %s%nTry it:%n"
                    + "  curl -H \"api-key: %s\" \"http://%s:%d/openai/models?api-version=2024-10-21\"%n"
                    + "or open the web portal at http://%s:%d/ and sign in with the key.%n",
                    generatedKey, generatedKey, host, port, host, port);
        }
    }

    /** The configured keys, else the service's key from the database (imported or generated on first start). */
    static Resolved resolve(ServerConfig config, ServiceSecrets secrets) throws IOException {
        if (!config.apiKeys().isEmpty()) return new Resolved(config.apiKeys(), null);
        ServiceSecrets.Secret key = secrets.apiKey();
        return new Resolved(Set.of(key.value()), key.generatedHere() ? key.value() : null);
    }
}
