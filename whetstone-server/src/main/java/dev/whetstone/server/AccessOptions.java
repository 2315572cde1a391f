package dev.whetstone.server;

import dev.whetstone.server.auth.Role;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what beyond the admin API keys (docs/security.md).
 *
 * @param inferenceKeys keys limited to the inference endpoints (chat/completions, completions); 403 elsewhere
 * @param accounts      the only account names deployments may use; empty: any valid name, created on first use
 * @param roleKeys      more API keys, each with one of the roles (reader, openai-user, …)
 * @param oidc          an external OpenID Connect issuer whose tokens are accepted, or null
 * @param tokenSecret   the secret (hex, at least 32 bytes) that signs and checks the service's own tokens, or null
 *                      for the one kept in the database (docs/security.md)
 */
public record AccessOptions(Set<String> inferenceKeys, Set<String> accounts, Map<Role, Set<String>> roleKeys,
                            Oidc oidc, String tokenSecret) {
    public static final AccessOptions NONE = new AccessOptions(Set.of(), Set.of());

    public AccessOptions {
        inferenceKeys = Set.copyOf(inferenceKeys);
        accounts = Set.copyOf(accounts);
        Map<Role, Set<String>> copy = new EnumMap<>(Role.class);
        roleKeys.forEach((role, keys) -> copy.put(role, Set.copyOf(keys)));
        roleKeys = Map.copyOf(copy);
    }

    public AccessOptions(Set<String> inferenceKeys, Set<String> accounts) {
        this(inferenceKeys, accounts, Map.of(), null);
    }

    /** Without a token secret option: the one in the database signs. */
    public AccessOptions(Set<String> inferenceKeys, Set<String> accounts, Map<Role, Set<String>> roleKeys, Oidc oidc) {
        this(inferenceKeys, accounts, roleKeys, oidc, null);
    }

    public AccessOptions withTokenSecret(String secret) {
        return new AccessOptions(inferenceKeys, accounts, roleKeys, oidc, secret);
    }

    /**
     * Tokens of an identity provider: {@code iss} = {@code issuer} (its discovery document and JWKS are fetched from
     * there), {@code aud} = {@code audience}, roles from {@code rolesClaim}, times checked with {@code skew}.
     */
    public record Oidc(String issuer, String audience, String rolesClaim, Duration skew) {}
}
