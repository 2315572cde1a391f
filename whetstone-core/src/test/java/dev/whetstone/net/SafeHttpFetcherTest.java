package dev.whetstone.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/** Resolve once, check every address, connect to the checked one, and a strict, bounded HTTP/1.1 exchange. */
class SafeHttpFetcherTest {
    static final Duration DEADLINE = Duration.ofSeconds(5);
    static final long CAP = 1 << 20;

    private static SafeHttpFetcher fetcher(HostResolver resolver, boolean allowPrivate) {
        return new SafeHttpFetcher(resolver, (SSLSocketFactory) SSLSocketFactory.getDefault(), allowPrivate,
                Duration.ofSeconds(2));
    }

    /** A resolver that answers {@code answers[i]} to its i-th call (the last one from then on) and counts calls. */
    static final class ChangingResolver implements HostResolver {
        final List<InetAddress[]> answers;
        final AtomicInteger calls = new AtomicInteger();

        ChangingResolver(InetAddress[]... answers) {
            this.answers = List.of(answers);
        }

        @Override
        public InetAddress[] resolve(String host) {
            int i = calls.getAndIncrement();
            return answers.get(Math.min(i, answers.size() - 1));
        }
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String read(InputStream body) throws Exception {
        try (body) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aNameWithALoopbackAddressAmongPublicOnesIsRefusedBeforeAnyConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain(ScriptedServer.writes("HTTP/1.1 200 OK\r\n\r\nsecret"))) {
            HostResolver rebinding = host -> new InetAddress[] {ip("93.184.215.14"), ip("127.0.0.1")};
            assertThatThrownBy(() -> fetcher(rebinding, false)
                    .fetch(URI.create("http://data.example.test:" + server.port() + "/x"), DEADLINE, CAP))
                    .isInstanceOf(FetchException.Refused.class)
                    .hasMessageContaining("'data.example.test' resolves to a private or loopback address (127.0.0.1, loopback");
            assertThat(server.connections).hasValue(0);
        }
    }

    @Test
    void theConnectionGoesToTheCheckedAddressNotToASecondLookup() throws Exception {
        try (ScriptedServer loopback = ScriptedServer.plain(ScriptedServer.writes("HTTP/1.1 200 OK\r\n\r\nsecret"))) {
            // checked: a public address (unreachable here, or reachable but not this server); later: loopback
            ChangingResolver rebinding = new ChangingResolver(new InetAddress[] {ip("93.184.215.14")}, new InetAddress[] {ip("127.0.0.1")});
            SafeHttpFetcher fetcher = new SafeHttpFetcher(rebinding, (SSLSocketFactory) SSLSocketFactory.getDefault(),
                    false, Duration.ofMillis(300));
            SafeHttpFetcher.Target target = fetcher.resolve(URI.create("http://data.example.test:" + loopback.port() + "/x"));
            assertThat(target.addresses()).containsExactly(ip("93.184.215.14"));
            try {
                read(fetcher.get(target, Duration.ofMillis(600), CAP));
            } catch (FetchException expected) {
                // the public address does not answer from this sandbox; what matters is where it went
            }
            assertThat(rebinding.calls).hasValue(1);
            assertThat(loopback.connections).hasValue(0);
        }
    }

    @Test
    void withPrivateTargetsAllowedTheFirstAnswerIsStillTheOnlyOneUsed() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain(ScriptedServer.writes(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))) {
            // a second lookup would answer an address where nothing listens
            ChangingResolver resolver = new ChangingResolver(new InetAddress[] {ip("127.0.0.1")}, new InetAddress[] {ip("127.0.0.3")});
            String body = read(fetcher(resolver, true).fetch(
                    URI.create("http://files.example.test:" + server.port() + "/data.jsonl?v=1"), DEADLINE, CAP));
            assertThat(body).isEqualTo("hello");
            assertThat(resolver.calls).hasValue(1);
            assertThat(server.requests).singleElement().satisfies(head -> assertThat(head)
                    .startsWith("GET /data.jsonl?v=1 HTTP/1.1\r\n")
                    .contains("\r\nHost: files.example.test:" + server.port() + "\r\n")
                    .contains("\r\nConnection: close\r\n"));
        }
    }

    @Test
    void theDefaultPolicyRefusesLoopbackEvenAsALiteral() {
        assertThatThrownBy(() -> fetcher(HostResolver.SYSTEM, false).resolve(URI.create("http://[::ffff:127.0.0.1]:8080/")))
                .isInstanceOf(FetchException.Refused.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> fetcher(HostResolver.SYSTEM, false).resolve(URI.create("http://0.0.0.0/")))
                .isInstanceOf(FetchException.Refused.class).hasMessageContaining("'this network'");
        assertThatThrownBy(() -> fetcher(h -> { throw new UnknownHostException(h); }, false)
                .resolve(URI.create("https://nowhere.example.test/")))
                .isInstanceOf(FetchException.class).hasMessage("The host 'nowhere.example.test' could not be resolved.");
    }

    @Test
    void chunkedContentIsDecoded() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain(ScriptedServer.writes("HTTP/1.1 200 OK\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n"))) {
            assertThat(read(local(server, "/c"))).isEqualTo("hello, world");
        }
    }

    @Test
    void aRedirectIsAnErrorNamingItsTarget() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain(ScriptedServer.writes(
                "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/\r\nContent-Length: 0\r\n\r\n"))) {
            assertThatThrownBy(() -> local(server, "/r"))
                    .isInstanceOf(FetchException.class)
                    .hasMessage("localhost answered HTTP 302 with a redirect to 'http://169.254.169.254/latest/meta-data/'; "
                            + "redirects are not followed.");
            assertThat(server.connections).hasValue(1);
        }
    }

    @Test
    void anErrorStatusIsReported() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain(ScriptedServer.writes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))) {
            assertThatThrownBy(() -> local(server, "/missing")).hasMessage("localhost answered HTTP 404.");
        }
    }

    @Test
    void aTricklingBodyHitsTheTotalDeadline() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1000; i++) { // one byte every 100 ms: never idle long enough for a read timeout
                out.write('x');
                out.flush();
                Thread.sleep(100);
            }
        })) {
            SafeHttpFetcher fetcher = fetcher(h -> new InetAddress[] {ip("127.0.0.1")}, true);
            long start = System.nanoTime();
            InputStream body = fetcher.fetch(URI.create("http://localhost:" + server.port() + "/slow"),
                    Duration.ofSeconds(1), CAP);
            assertThatThrownBy(() -> read(body)).isInstanceOf(FetchException.class)
                    .hasMessage("The download from localhost did not finish within 1 s.");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void aSilentServerHitsTheDeadlineWhileWaitingForHeaders() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain(socket -> Thread.sleep(5000))) {
            assertThatThrownBy(() -> fetcher(h -> new InetAddress[] {ip("127.0.0.1")}, true)
                    .fetch(URI.create("http://localhost:" + server.port() + "/"), Duration.ofSeconds(1), CAP))
                    .hasMessage("The download from localhost did not finish within 1 s.");
        }
    }

    @Test
    void contentOverTheCapIsCutWithAClearError() throws Exception {
        String big = "x".repeat(100);
        try (ScriptedServer declared = ScriptedServer.plain(ScriptedServer.writes(
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + big));
             ScriptedServer undeclared = ScriptedServer.plain(ScriptedServer.writes(
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + big + "\r\n0\r\n\r\n"));
             ScriptedServer unframed = ScriptedServer.plain(ScriptedServer.writes("HTTP/1.0 200 OK\r\n\r\n" + big))) {
            SafeHttpFetcher fetcher = fetcher(h -> new InetAddress[] {ip("127.0.0.1")}, true);
            String limit = "The content from localhost is larger than the limit of 50 bytes.";
            assertThatThrownBy(() -> fetcher.fetch(URI.create("http://localhost:" + declared.port() + "/"), DEADLINE, 50))
                    .hasMessage(limit);
            for (ScriptedServer s : List.of(undeclared, unframed)) {
                InputStream body = fetcher.fetch(URI.create("http://localhost:" + s.port() + "/"), DEADLINE, 50);
                assertThatThrownBy(() -> read(body)).isInstanceOf(FetchException.class).hasMessage(limit);
            }
            assertThat(read(fetcher.fetch(URI.create("http://localhost:" + unframed.port() + "/"), DEADLINE, 100)))
                    .isEqualTo(big);
        }
    }

    @Test
    void malformedAnswersAreRefused() throws Exception {
        String[][] cases = {
                {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "ended the connection before the whole content arrived"},
                {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "conflicting Content-Length"},
                {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "only chunked is supported"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size 'zz'"},
                {"HTTP/1.1 200 OK\r\n folded: header\r\n\r\n", "malformed header line"},
                {"SSH-2.0-OpenSSH\r\n\r\n", "did not answer with HTTP/1.1"},
                {"", "closed the connection without answering"}};
        SafeHttpFetcher fetcher = fetcher(h -> new InetAddress[] {ip("127.0.0.1")}, true);
        for (String[] c : cases) {
            try (ScriptedServer server = ScriptedServer.plain(ScriptedServer.writes(c[0]))) {
                assertThatThrownBy(() -> read(fetcher.fetch(URI.create("http://localhost:" + server.port() + "/"), DEADLINE, CAP)))
                        .as(c[0]).isInstanceOf(FetchException.class).hasMessageContaining(c[1]);
            }
        }
    }

    private static InputStream local(ScriptedServer server, String path) throws Exception {
        return fetcher(h -> new InetAddress[] {ip("127.0.0.1")}, true)
                .fetch(URI.create("http://localhost:" + server.port() + path), DEADLINE, CAP);
    }
}
