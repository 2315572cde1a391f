package dev.whetstone.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.testing.ManualClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verifier against a local issuer's discovery document and JWKS; OidcServerTest drives it through the service. */
class OidcTokensTest {
    LocalIssuer issuer;
    ManualClock clock = new ManualClock(Instant.now());
    OidcTokens tokens;

    @BeforeEach
    void start() throws Exception {
        issuer = new LocalIssuer();
        tokens = new OidcTokens(issuer.issuer, "whetstone", "roles", Duration.ofSeconds(60), clock, HttpClient.newHttpClient());
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    long now() { return clock.instant().getEpochSecond(); }

    @Test
    void rs256AndEs256TokensGiveTheirRolesByWireOrAzureName() throws Exception {
        String rs = issuer.token("rsa-1", "RS256", issuer.claims("whetstone", now(), "Cognitive Services OpenAI User", "reader", "Owner-of-something-else"));
        assertThat(tokens.isIssuedByIt(rs)).isTrue();
        assertThat(tokens.verify(rs)).containsExactlyInAnyOrder(Role.OPENAI_USER, Role.READER);
        String es = issuer.token("ec-1", "ES256", issuer.claims("whetstone", now(), "openai-contributor"));
        assertThat(tokens.verify(es)).containsExactly(Role.OPENAI_CONTRIBUTOR);
        assertThat(issuer.jwksFetches.get()).isEqualTo(1);
        ObjectNode noRoles = issuer.claims("whetstone", now());
        noRoles.remove("roles");
        assertThat(tokens.verify(issuer.token("rsa-1", "RS256", noRoles))).isEmpty();
    }

    @Test
    void audienceIssuerExpiryAndNotBeforeAreCheckedWithSkew() throws Exception {
        assertThatThrownBy(() -> tokens.verify(issuer.token("rsa-1", "RS256", issuer.claims("someone-else", now(), "reader"))))
                .hasMessageContaining("audience");
        ObjectNode listAud = issuer.claims("x", now(), "reader");
        listAud.putArray("aud").add("other").add("whetstone");
        assertThat(tokens.verify(issuer.token("rsa-1", "RS256", listAud))).containsExactly(Role.READER);

        ObjectNode withinSkew = issuer.claims("whetstone", now(), "reader");
        withinSkew.put("exp", now() - 30);
        assertThat(tokens.verify(issuer.token("rsa-1", "RS256", withinSkew))).containsExactly(Role.READER);
        ObjectNode expired = issuer.claims("whetstone", now(), "reader");
        expired.put("exp", now() - 61);
        assertThatThrownBy(() -> tokens.verify(issuer.token("rsa-1", "RS256", expired))).hasMessageContaining("expired");
        ObjectNode noExp = issuer.claims("whetstone", now(), "reader");
        noExp.remove("exp");
        assertThatThrownBy(() -> tokens.verify(issuer.token("rsa-1", "RS256", noExp))).hasMessageContaining("no expiry");
        ObjectNode early = issuer.claims("whetstone", now(), "reader");
        early.put("nbf", now() + 120);
        assertThatThrownBy(() -> tokens.verify(issuer.token("rsa-1", "RS256", early))).hasMessageContaining("not valid before");
        early.put("nbf", now() + 30);
        assertThat(tokens.verify(issuer.token("rsa-1", "RS256", early))).containsExactly(Role.READER);
    }

    @Test
    void forgedUnsignedAndWrongAlgorithmTokensAreRefused() throws Exception {
        String good = issuer.token("rsa-1", "RS256", issuer.claims("whetstone", now(), "reader"));
        String[] p = good.split("\\.");
        String otherPayload = issuer.token("rsa-1", "RS256", issuer.claims("whetstone", now(), "openai-contributor")).split("\\.")[1];
        assertThatThrownBy(() -> tokens.verify(p[0] + "." + otherPayload + "." + p[2])).hasMessageContaining("signature");
        assertThatThrownBy(() -> tokens.verify(issuer.token("rsa-1", "none", issuer.claims("whetstone", now(), "admin"))))
                .hasMessageContaining("algorithm 'none'");
        assertThatThrownBy(() -> tokens.verify(issuer.token("rsa-1", "HS256", issuer.claims("whetstone", now(), "admin"))))
                .hasMessageContaining("algorithm 'HS256'");
        // an ES256 header over an RSA key's signature
        assertThatThrownBy(() -> tokens.verify(issuer.token("rsa-1", "RS256", issuer.claims("whetstone", now(), "reader"))
                .replaceFirst("^[^.]+", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                        "{\"alg\":\"ES256\",\"kid\":\"rsa-1\"}".getBytes())))).hasMessageContaining("signature");
        assertThatThrownBy(() -> tokens.verify(issuer.token("nope", "RS256", issuer.claims("whetstone", now(), "reader"))))
                .hasMessageContaining("key id 'nope'");
    }

    @Test
    void aNewKeyIdFetchesTheJwksAgainAtMostOnceAMinute() throws Exception {
        assertThat(tokens.verify(issuer.token("rsa-1", "RS256", issuer.claims("whetstone", now(), "reader")))).isNotEmpty();
        issuer.addRsa("rsa-2");
        String rotated = issuer.token("rsa-2", "RS256", issuer.claims("whetstone", now(), "reader"));
        assertThatThrownBy(() -> tokens.verify(rotated)).hasMessageContaining("key id 'rsa-2'"); // fetched under a minute ago
        assertThat(issuer.jwksFetches.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(61));
        assertThat(tokens.verify(issuer.token("rsa-2", "RS256", issuer.claims("whetstone", now(), "reader")))).containsExactly(Role.READER);
        assertThat(issuer.jwksFetches.get()).isEqualTo(2);
    }

    @Test
    void nestedRolesClaimsAndPlainHttpOnlyOnLoopback() throws Exception {
        OidcTokens nested = new OidcTokens(issuer.issuer, "whetstone", "realm_access.roles", Duration.ZERO, clock,
                HttpClient.newHttpClient());
        ObjectNode c = issuer.claims("whetstone", now());
        c.putObject("realm_access").putArray("roles").add("contributor");
        assertThat(nested.verify(issuer.token("ec-1", "ES256", c))).isEqualTo(Set.of(Role.CONTRIBUTOR));
        assertThatThrownBy(() -> new OidcTokens("http://login.example.com/x", "a", "roles", Duration.ZERO, clock,
                HttpClient.newHttpClient())).hasMessageContaining("https");
    }
}
