package dev.whetstone.store;

import java.util.Optional;

/**
 * Secrets every replica must agree on: the generated admin API key and the secret that signs the service's bearer
 * tokens (docs/security.md). Written once by the first process that needs them; never replaced, so a value read
 * once stays valid.
 */
public interface ServiceSecretStore {
    /** The admin API key generated on first start. */
    String API_KEY = "api_key";
    /** The HS256 token-signing secret, hex. */
    String TOKEN_SECRET = "token_secret";

    Optional<String> find(String name);

    /** Stores {@code value} unless the secret exists; false (nothing changed) when another process stored it first. */
    boolean insert(String name, String value, long createdAt);
}
