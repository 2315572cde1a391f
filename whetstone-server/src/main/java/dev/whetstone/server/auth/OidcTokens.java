package dev.whetstone.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Bearer tokens of an external OpenID Connect issuer (docs/security.md): the issuer's discovery document names its
 * JWKS, whose keys verify RS256 or ES256 signatures; {@code iss}, {@code aud}, {@code exp} and {@code nbf} are
 * checked with a clock skew; the roles come from a configurable claim (a string or a list, a dotted path such as
 * {@code realm_access.roles}), by wire name or Azure display name. Unknown role names are ignored; a token without
 * any known role authenticates but may call nothing (403). Keys are fetched on first use and again when a token
 * names a key id not yet seen (key rotation), at most once a minute.
 */
public final class OidcTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REFETCH_AT_MOST_EVERY = Duration.ofMinutes(1);

    private final String issuer;
    private final String audience;
    private final String rolesClaim;
    private final Duration skew;
    private final Clock clock;
    private final HttpClient http;
    private Map<String, PublicKey> keys = Map.of();
    private Instant fetchedAt = Instant.EPOCH;

    /**
     * @param issuer     the {@code iss} tokens carry and where {@code /.well-known/openid-configuration} is; https,
     *                   or http on a loopback address only
     * @param audience   the {@code aud} tokens must carry (this service's client or application id)
     * @param rolesClaim where the roles are, e.g. {@code roles}
     */
    public OidcTokens(String issuer, String audience, String rolesClaim, Duration skew, Clock clock, HttpClient http) {
        URI uri = URI.create(issuer);
        boolean loopback;
        try {
            loopback = uri.getHost() != null && InetAddress.getByName(uri.getHost()).isLoopbackAddress();
        } catch (IOException e) {
            loopback = false;
        }
        if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && loopback)) {
            throw new IllegalArgumentException("the OIDC issuer must be an https URL (http only on loopback), got " + issuer);
        }
        if (audience == null || audience.isBlank()) throw new IllegalArgumentException("an OIDC issuer needs an audience");
        this.issuer = issuer;
        this.audience = audience;
        this.rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim;
        this.skew = skew;
        this.clock = clock;
        this.http = http;
    }

    /** Whether the token's unverified {@code iss} is this issuer's (the other tokens are the service's own). */
    public boolean isIssuedByIt(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) return false;
        try {
            return issuer.equals(json(parts[1]).path("iss").asText(null));
        } catch (AccessTokens.InvalidTokenException e) {
            return false;
        }
    }

    /** The token's roles; throws {@link AccessTokens.InvalidTokenException} saying what is wrong with it. */
    public Set<Role> verify(String token) {
        String[] parts = token.split("\\.", -1);
        JsonNode header = json(parts[0]);
        JsonNode claims = json(parts[1]);
        String alg = header.path("alg").asText("");
        String javaAlg = switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "ES256" -> "SHA256withECDSAinP1363Format"; // JWS carries r‖s, not DER
            default -> throw invalid("its algorithm '" + alg + "' is not accepted (RS256 or ES256)");
        };
        PublicKey key = key(header.path("kid").asText(""));
        try {
            Signature sig = Signature.getInstance(javaAlg);
            sig.initVerify(key);
            sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!sig.verify(Base64.getUrlDecoder().decode(parts[2]))) throw invalid("its signature does not verify");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw invalid("its signature does not verify (" + e.getMessage() + ")");
        }
        if (!issuer.equals(claims.path("iss").asText())) throw invalid("its issuer is not " + issuer);
        JsonNode aud = claims.path("aud");
        boolean audienceOk = aud.isArray() ? contains(aud, audience) : audience.equals(aud.asText(null));
        if (!audienceOk) throw invalid("its audience " + aud + " is not '" + audience + "'");
        long now = clock.instant().getEpochSecond();
        if (!claims.has("exp")) throw invalid("it has no expiry (exp)");
        long exp = claims.path("exp").asLong();
        if (now - skew.toSeconds() >= exp) throw invalid("it expired at " + Instant.ofEpochSecond(exp));
        if (claims.has("nbf") && claims.path("nbf").asLong() > now + skew.toSeconds()) {
            throw invalid("it is not valid before " + Instant.ofEpochSecond(claims.path("nbf").asLong()));
        }
        return roles(claims);
    }

    private Set<Role> roles(JsonNode claims) {
        JsonNode node = claims;
        for (String part : rolesClaim.split("\\.")) node = node.path(part);
        Set<Role> out = EnumSet.noneOf(Role.class);
        if (node.isTextual()) add(out, node.asText());
        if (node.isArray()) node.forEach(n -> add(out, n.asText()));
        return out;
    }

    private static void add(Set<Role> out, String name) {
        try {
            out.add(Role.fromWire(name));
        } catch (IllegalArgumentException e) {
            // a role of the identity provider this service does not know: it grants nothing here
        }
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) if (value.equals(n.asText())) return true;
        return false;
    }

    private synchronized PublicKey key(String kid) {
        PublicKey k = keys.get(kid);
        if (k != null) return k;
        Instant now = clock.instant();
        if (keys.isEmpty() || now.isAfter(fetchedAt.plus(REFETCH_AT_MOST_EVERY))) {
            keys = fetchKeys();
            fetchedAt = now;
            k = keys.get(kid);
        }
        if (k == null) throw invalid("its key id '" + kid + "' is not in the issuer's JWKS");
        return k;
    }

    private Map<String, PublicKey> fetchKeys() {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        JsonNode discovery = get(base + "/.well-known/openid-configuration");
        if (!issuer.equals(discovery.path("issuer").asText())) {
            throw invalid("the issuer's discovery document names the issuer '" + discovery.path("issuer").asText()
                    + "', not " + issuer);
        }
        String jwksUri = discovery.path("jwks_uri").asText("");
        if (jwksUri.isEmpty()) throw invalid("the issuer's discovery document has no jwks_uri");
        Map<String, PublicKey> out = new HashMap<>();
        for (JsonNode jwk : get(jwksUri).path("keys")) {
            try {
                PublicKey k = publicKey(jwk);
                if (k != null) out.put(jwk.path("kid").asText(""), k);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // a key of another type or curve: tokens signed with it are refused by their kid
            }
        }
        return Map.copyOf(out);
    }

    static PublicKey publicKey(JsonNode jwk) throws GeneralSecurityException {
        Base64.Decoder b64 = Base64.getUrlDecoder();
        return switch (jwk.path("kty").asText()) {
            case "RSA" -> KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, b64.decode(jwk.path("n").asText())), new BigInteger(1, b64.decode(jwk.path("e").asText()))));
            case "EC" -> {
                if (!"P-256".equals(jwk.path("crv").asText())) yield null;
                AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
                p.init(new ECGenParameterSpec("secp256r1"));
                ECPoint w = new ECPoint(new BigInteger(1, b64.decode(jwk.path("x").asText())),
                        new BigInteger(1, b64.decode(jwk.path("y").asText())));
                yield KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, p.getParameterSpec(ECParameterSpec.class)));
            }
            default -> null;
        };
    }

    private JsonNode get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw invalid("the issuer answered " + r.statusCode() + " for " + url);
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw invalid("the issuer could not be reached at " + url + " (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw invalid("interrupted while fetching " + url);
        }
    }

    private static JsonNode json(String part) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(part));
        } catch (IOException | IllegalArgumentException e) {
            throw invalid("it is not base64url JSON");
        }
    }

    private static AccessTokens.InvalidTokenException invalid(String why) {
        return new AccessTokens.InvalidTokenException("the identity provider's bearer token is refused: " + why);
    }
}
