package dev.whetstone.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https to an address the injected resolver chose: the TLS handshake still names the URL's host (SNI) and the
 * certificate must be valid for that name.
 */
class SafeHttpFetcherTlsTest {
    static final String NAME = "files.example.test";
    static final char[] PASSWORD = "changeit".toCharArray();
    static SSLContext serverContext;
    static SSLContext clientContext;

    /** A self-signed certificate for {@link #NAME}, made with the JDK's keytool; the client trusts only it. */
    @BeforeAll
    static void certificate(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-dname", "CN=" + NAME, "-ext", "SAN=dns:" + NAME, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(output).isTrue();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", keys.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
    }

    @Test
    void sniAndHostnameVerificationUseTheUrlsNameWhileConnectingToTheCheckedAddress() throws Exception {
        List<SNIServerName> requested = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = tlsServer(requested)) {
            SafeHttpFetcher fetcher = new SafeHttpFetcher(host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")},
                    clientContext.getSocketFactory(), true, Duration.ofSeconds(2));
            try (InputStream body = fetcher.fetch(URI.create("https://" + NAME + ":" + server.port() + "/train.jsonl"),
                    Duration.ofSeconds(10), 1 << 20)) {
                assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("over tls");
            }
            assertThat(requested).extracting(n -> new String(n.getEncoded(), StandardCharsets.US_ASCII)).containsExactly(NAME);
            assertThat(server.requests).singleElement().satisfies(h -> assertThat(h).contains("\r\nHost: " + NAME + ":"));
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        try (ScriptedServer server = tlsServer(new CopyOnWriteArrayList<>())) {
            SafeHttpFetcher fetcher = new SafeHttpFetcher(host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")},
                    clientContext.getSocketFactory(), true, Duration.ofSeconds(2));
            assertThatThrownBy(() -> fetcher.fetch(URI.create("https://other.example.test:" + server.port() + "/"),
                    Duration.ofSeconds(10), 1 << 20))
                    .isInstanceOf(FetchException.class)
                    .hasMessageStartingWith("The TLS connection to other.example.test failed: ")
                    .hasMessageContaining("other.example.test");
        }
    }

    private static ScriptedServer tlsServer(List<SNIServerName> requested) throws Exception {
        SSLServerSocket socket = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new ScriptedServer(socket, s -> {
            requested.addAll(((ExtendedSSLSession) ((SSLSocket) s).getSession()).getRequestedServerNames());
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nover tls".getBytes(StandardCharsets.US_ASCII));
        });
    }
}
