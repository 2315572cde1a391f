package dev.whetstone.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bearer tokens the service signs itself: the compact JWT form ({@code header.payload.signature}, base64url) with
 * HS256 over a secret kept in the data folder beside the api-key file. The payload carries the role and the expiry
 * ({@code exp}, epoch seconds). Anyone who can read the data folder can mint tokens, as with the api-key file.
 */
public final class AccessTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    static final String ISSUER = "whetstone";
    /** The one account a token reaches, when it is limited to one. */
    static final String ACCOUNT_CLAIM = "acct";

    private final byte[] secret;
    private final Clock clock;

    public AccessTokens(byte[] secret, Clock clock) {
        if (secret.length < 32) throw new IllegalArgumentException("the token secret must have at least 32 bytes");
        this.secret = secret.clone();
        this.clock = clock;
    }

    public String mint(Role role, Duration ttl) {
        return mint(role, ttl, null, null);
    }

    /**
     * A token that also names a tenant ({@code tid}) and an audience ({@code aud}): the Azure CLI reads {@code tid}
     * from the token its managed-identity sign-in receives, and fails without it (docs/deployments.md).
     */
    public String mint(Role role, Duration ttl, String tenant, String audience) {
        return mint(role, ttl, tenant, audience, null);
    }

    /**
     * A token that reaches only {@code account} ({@code acct}; null: every account), as one exchanged for an
     * account key (docs/security.md, "Accounts").
     */
    public String mint(Role role, Duration ttl, String tenant, String audience, String account) {
        if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("the token lifetime must be positive, got " + ttl);
        long now = clock.instant().getEpochSecond();
        ObjectNode payload = JSON.createObjectNode();
        payload.put("iss", ISSUER);
        payload.put("role", role.wireName());
        payload.put("iat", now);
        payload.put("nbf", now);
        payload.put("exp", now + ttl.toSeconds());
        if (tenant != null) payload.put("tid", tenant);
        if (audience != null) payload.put("aud", audience);
        if (account != null) payload.put(ACCOUNT_CLAIM, account);
        String body = HEADER + "." + B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(sign(body));
    }

    /** Whether {@code credential} has the shape of a token (three base64url parts), as opposed to an api key. */
    public static boolean looksLikeToken(String credential) {
        return credential.chars().filter(c -> c == '.').count() == 2;
    }

    /** A verified token's role and the one account it reaches (null: every account). */
    public record Verified(Role role, String account) {}

    /** The token's role; throws {@link InvalidTokenException} saying what is wrong with it. */
    public Role verify(String token) {
        return verifyAll(token).role();
    }

    /** The token's role and account; throws {@link InvalidTokenException} saying what is wrong with it. */
    public Verified verifyAll(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) throw new InvalidTokenException("the bearer token is malformed (expected header.payload.signature)");
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("the bearer token's signature is not base64url");
        }
        if (!MessageDigest.isEqual(sign(parts[0] + "." + parts[1]), presented)) {
            throw new InvalidTokenException("the bearer token was not signed by this service (mint one with "
                    + "`whetstone token` and the service's --data or --db)");
        }
        JsonNode claims = claims(parts[1]);
        long exp = claims.path("exp").asLong(0);
        if (exp <= clock.instant().getEpochSecond()) {
            throw new InvalidTokenException("the bearer token expired at " + java.time.Instant.ofEpochSecond(exp)
                    + "; mint a new one with `whetstone token`");
        }
        String account = claims.hasNonNull(ACCOUNT_CLAIM) ? claims.get(ACCOUNT_CLAIM).asText() : null;
        try {
            return new Verified(Role.fromWire(claims.path("role").asText("")), account);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("the bearer token has " + e.getMessage());
        }
    }

    private static JsonNode claims(String payload) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(payload));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidTokenException("the bearer token's payload is not base64url JSON");
        }
    }

    private byte[] sign(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** A token that does not verify: the message says why, for the 401. */
    public static final class InvalidTokenException extends RuntimeException {
        InvalidTokenException(String message) {
            super(message);
        }
    }
}
