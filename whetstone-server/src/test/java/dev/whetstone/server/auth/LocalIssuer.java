package dev.whetstone.server.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID Connect issuer in the test: its discovery document and JWKS over HTTP on loopback, and tokens signed with
 * its RSA (RS256) and P-256 (ES256) keys. Keys can be added while it runs (rotation); it counts JWKS fetches.
 */
public final class LocalIssuer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final Map<String, KeyPair> keys = new LinkedHashMap<>();
    public final AtomicInteger jwksFetches = new AtomicInteger();
    public final String issuer;

    public LocalIssuer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
        server.createContext("/realms/test/.well-known/openid-configuration", ex -> {
            ObjectNode d = JSON.createObjectNode();
            d.put("issuer", issuer);
            d.put("jwks_uri", issuer + "/keys");
            reply(ex, d.toString());
        });
        server.createContext("/realms/test/keys", ex -> {
            jwksFetches.incrementAndGet();
            reply(ex, jwks());
        });
        server.start();
        addRsa("rsa-1");
        addEc("ec-1");
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    public synchronized void addRsa(String kid) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys.put(kid, g.generateKeyPair());
    }

    public synchronized void addEc(String kid) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        keys.put(kid, g.generateKeyPair());
    }

    private synchronized String jwks() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("keys");
        keys.forEach((kid, pair) -> {
            ObjectNode k = list.addObject();
            k.put("kid", kid);
            k.put("use", "sig");
            if (pair.getPublic() instanceof RSAPublicKey rsa) {
                k.put("kty", "RSA");
                k.put("alg", "RS256");
                k.put("n", B64.encodeToString(unsigned(rsa.getModulus(), 0)));
                k.put("e", B64.encodeToString(unsigned(rsa.getPublicExponent(), 0)));
            } else if (pair.getPublic() instanceof ECPublicKey ec) {
                k.put("kty", "EC");
                k.put("crv", "P-256");
                k.put("x", B64.encodeToString(unsigned(ec.getW().getAffineX(), 32)));
                k.put("y", B64.encodeToString(unsigned(ec.getW().getAffineY(), 32)));
            }
        });
        return out.toString();
    }

    /** Big-endian without the sign byte, left-padded to {@code length} when given. */
    private static byte[] unsigned(BigInteger v, int length) {
        byte[] b = v.toByteArray();
        if (b.length > 1 && b[0] == 0) b = Arrays.copyOfRange(b, 1, b.length);
        if (length > b.length) {
            byte[] padded = new byte[length];
            System.arraycopy(b, 0, padded, length - b.length, b.length);
            return padded;
        }
        return b;
    }

    /** A token signed by key {@code kid} with {@code alg} (RS256 or ES256; anything else is signed with nothing). */
    public synchronized String token(String kid, String alg, ObjectNode claims) throws GeneralSecurityException {
        ObjectNode header = JSON.createObjectNode();
        header.put("alg", alg);
        header.put("typ", "JWT");
        header.put("kid", kid);
        String body = B64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        KeyPair pair = keys.get(kid);
        String javaAlg = alg.equals("RS256") ? "SHA256withRSA" : alg.equals("ES256") ? "SHA256withECDSAinP1363Format" : null;
        if (javaAlg == null || pair == null) return body + "." + B64.encodeToString("unsigned".getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance(javaAlg);
        s.initSign(pair.getPrivate());
        s.update(body.getBytes(StandardCharsets.US_ASCII));
        return body + "." + B64.encodeToString(s.sign());
    }

    /** Claims with this issuer, the audience, {@code exp} = now + 1 h, and {@code roles}. */
    public ObjectNode claims(String audience, long nowSeconds, String... roles) {
        ObjectNode c = JSON.createObjectNode();
        c.put("iss", issuer);
        c.put("sub", "user-1");
        c.put("aud", audience);
        c.put("iat", nowSeconds);
        c.put("exp", nowSeconds + 3600);
        ArrayNode r = c.putArray("roles");
        for (String role : roles) r.add(role);
        return c;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
