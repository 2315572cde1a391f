package dev.whetstone.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the service accepts: admin keys (every route), inference-only keys, and the tokens it signs. Keys compare
 * in constant time.
 */
public final class Credentials {
    private final List<byte[]> adminKeys;
    private final List<byte[]> inferenceKeys;
    private final AccessTokens tokens;

    public Credentials(Set<String> adminKeys, Set<String> inferenceKeys, AccessTokens tokens) {
        if (adminKeys.isEmpty()) throw new IllegalArgumentException("at least one API key is required");
        this.adminKeys = bytes(adminKeys);
        this.inferenceKeys = bytes(inferenceKeys);
        this.tokens = tokens;
    }

    /**
     * The role of a presented key or token; empty for an unknown key.
     *
     * @throws AccessTokens.InvalidTokenException for a token that is forged, expired or malformed
     */
    public Optional<Role> roleOf(String presented) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        if (matches(adminKeys, p)) return Optional.of(Role.ADMIN);
        if (matches(inferenceKeys, p)) return Optional.of(Role.INFERENCE);
        if (tokens != null && AccessTokens.looksLikeToken(presented)) return Optional.of(tokens.verify(presented));
        return Optional.empty();
    }

    /** The role of an API key (not a token): the managed-identity endpoint exchanges only keys for tokens. */
    public Optional<Role> keyRole(String presented) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        if (matches(adminKeys, p)) return Optional.of(Role.ADMIN);
        if (matches(inferenceKeys, p)) return Optional.of(Role.INFERENCE);
        return Optional.empty();
    }

    /** The service's token signer, or null when it signs none. */
    public AccessTokens tokens() { return tokens; }

    private static boolean matches(List<byte[]> keys, byte[] presented) {
        boolean ok = false;
        for (byte[] k : keys) ok |= MessageDigest.isEqual(k, presented); // constant time: no early exit
        return ok;
    }

    private static List<byte[]> bytes(Set<String> keys) {
        return keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }
}
