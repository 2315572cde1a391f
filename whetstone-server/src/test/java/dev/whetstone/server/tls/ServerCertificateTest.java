package dev.whetstone.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {
    @TempDir Path dir;

    @Test
    void generatedCertificateIsKeptAndIssuedAgainOnlyWhenANameIsMissingOrItNearsItsEnd() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        ServerCertificate first = ServerCertificate.generated(dir, Set.of("127.0.0.1"), Clock.fixed(now, ZoneOffset.UTC));
        Path server = ServerCertificate.folder(dir).resolve("server.pem");
        X509Certificate leaf = ServerCertificate.readChain(server).getFirst();
        X509Certificate ca = ServerCertificate.readChain(first.caFile()).getFirst();
        leaf.verify(ca.getPublicKey()); // the leaf is signed by the CA clients trust
        assertThat(ca.getBasicConstraints()).isEqualTo(0);
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(sans(leaf)).contains("localhost", "127.0.0.1");

        ServerCertificate.generated(dir, Set.of("127.0.0.1"), Clock.fixed(now.plus(Duration.ofDays(10)), ZoneOffset.UTC));
        assertThat(ServerCertificate.readChain(server).getFirst()).isEqualTo(leaf);

        ServerCertificate.generated(dir, Set.of("whetstone.example"), Clock.fixed(now, ZoneOffset.UTC));
        X509Certificate renamed = ServerCertificate.readChain(server).getFirst();
        assertThat(renamed).isNotEqualTo(leaf);
        assertThat(sans(renamed)).contains("whetstone.example");

        Instant late = Instant.ofEpochMilli(renamed.getNotAfter().getTime()).minus(Duration.ofDays(5));
        ServerCertificate.generated(dir, Set.of("whetstone.example"), Clock.fixed(late, ZoneOffset.UTC));
        assertThat(ServerCertificate.readChain(server).getFirst()).isNotEqualTo(renamed);
    }

    @Test
    void readsTheUsersRsaCertificateWithAPkcs1Key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        X500Name name = new X500Name("CN=user.example");
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.TWO, new Date(), new Date(System.currentTimeMillis() + 86_400_000L), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        Path certFile = dir.resolve("cert.pem");
        Path keyFile = dir.resolve("key.pem");
        Files.writeString(certFile, pem(cert));
        Files.writeString(keyFile, pem(keys)); // a key pair is written as "RSA PRIVATE KEY" (PKCS#1)
        assertThat(Files.readString(keyFile)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        ServerCertificate c = ServerCertificate.fromPem(certFile, keyFile);
        assertThat(c.caFile()).isNull();
        assertThat(c.keyStore().getCertificate("server")).isEqualTo(cert);
        assertThat(c.keyStore().getKey("server", c.keyStorePassword())).isEqualTo(keys.getPrivate());

        assertThatThrownBy(() -> ServerCertificate.fromPem(keyFile, keyFile)).hasMessageContaining("no CERTIFICATE");
        assertThatThrownBy(() -> ServerCertificate.fromPem(certFile, certFile)).hasMessageContaining("no unencrypted PRIVATE KEY");
    }

    private static List<String> sans(X509Certificate c) throws Exception {
        return c.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList();
    }

    private static String pem(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    @Test
    void namesCoverLoopbackAndTheBoundHostButNotWildcards() {
        List<String> names = List.copyOf(ServerCertificate.names(Set.of("0.0.0.0")));
        assertThat(names).contains("localhost", "127.0.0.1", "::1").doesNotContain("0.0.0.0");
        assertThat(ServerCertificate.names(Set.of("10.1.2.3"))).contains("10.1.2.3");
    }
}
