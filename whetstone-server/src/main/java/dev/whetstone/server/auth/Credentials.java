package dev.whetstone.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the service accepts (docs/security.md): API keys, each with a role (the service keys are admin), the tokens
 * the service signs, and tokens of an external OpenID Connect issuer when one is configured. Keys compare in constant
 * time.
 */
public final class Credentials {
    private record Key(byte[] bytes, Role role) {}

    private final List<Key> keys = new ArrayList<>();
    private final AccessTokens tokens;
    private final OidcTokens oidc;
    private final AccountKeys accountKeys;

    public Credentials(Set<String> adminKeys, Set<String> inferenceKeys, AccessTokens tokens) {
        this(keysByRole(adminKeys, inferenceKeys), tokens, null, null);
    }

    /**
     * @param keysByRole API keys per role; at least one admin key
     * @param oidc       the external issuer's token verifier, or null
     * @param accountKeys the accounts' key1 and key2, or null
     */
    public Credentials(Map<Role, Set<String>> keysByRole, AccessTokens tokens, OidcTokens oidc, AccountKeys accountKeys) {
        if (keysByRole.getOrDefault(Role.ADMIN, Set.of()).isEmpty()) {
            throw new IllegalArgumentException("at least one API key is required");
        }
        keysByRole.forEach((role, set) -> set.forEach(k -> keys.add(new Key(k.getBytes(StandardCharsets.UTF_8), role))));
        this.tokens = tokens;
        this.oidc = oidc;
        this.accountKeys = accountKeys;
    }

    private static Map<Role, Set<String>> keysByRole(Set<String> adminKeys, Set<String> inferenceKeys) {
        Map<Role, Set<String>> out = new EnumMap<>(Role.class);
        out.put(Role.ADMIN, adminKeys);
        out.put(Role.INFERENCE, inferenceKeys);
        return out;
    }

    /**
     * Who presents a credential: its roles, and the one account it reaches (an account key's, or a token's
     * {@code acct}); null: every account (docs/security.md, "Accounts").
     */
    public record Identity(Set<Role> roles, String account) {}

    /**
     * The roles of a presented key or token; empty for an unknown key.
     *
     * @throws AccessTokens.InvalidTokenException for a token that is forged, expired or malformed
     */
    public Optional<Set<Role>> rolesOf(String presented) {
        return identify(presented).map(Identity::roles);
    }

    /**
     * The identity of a presented key or token; empty for an unknown key.
     *
     * @throws AccessTokens.InvalidTokenException for a token that is forged, expired or malformed
     */
    public Optional<Identity> identify(String presented) {
        if (!AccessTokens.looksLikeToken(presented)) return keyIdentity(presented);
        if (keyRole(presented).isPresent()) return keyIdentity(presented); // a configured key may contain dots
        if (oidc != null && oidc.isIssuedByIt(presented)) return Optional.of(new Identity(oidc.verify(presented), null));
        if (tokens != null) {
            AccessTokens.Verified v = tokens.verifyAll(presented);
            return Optional.of(new Identity(Set.of(v.role()), v.account()));
        }
        return Optional.empty();
    }

    /**
     * The identity of an API key or an account key (not a token): what the sign-in endpoints exchange for tokens.
     */
    public Optional<Identity> keyIdentity(String presented) {
        Optional<Role> key = keyRole(presented);
        if (key.isPresent()) return Optional.of(new Identity(Set.of(key.get()), null));
        if (accountKeys == null) return Optional.empty();
        return accountKeys.accountOf(presented).map(account -> new Identity(Set.of(AccountKeys.ROLE), account));
    }

    /** The role of an API key (not a token): the managed-identity endpoint exchanges only keys for tokens. */
    public Optional<Role> keyRole(String presented) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        Role found = null;
        for (Key k : keys) {
            if (MessageDigest.isEqual(k.bytes(), p) && found == null) found = k.role(); // constant time: no early exit
        }
        return Optional.ofNullable(found);
    }

    /** The service's token signer, or null when it signs none. */
    public AccessTokens tokens() { return tokens; }
}
