package dev.whetstone.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * GETs a user-supplied http(s) URL without letting it reach inward. The host is resolved once, through the given
 * resolver, and every address is checked ({@link OutboundAddressPolicy}) before anything is sent; the connection
 * then goes to a checked address itself, so a DNS answer that changes between check and use (rebinding) cannot
 * redirect it. The Host header, TLS SNI and the certificate's hostname check still use the URL's name.
 *
 * <p>The HTTP/1.1 client is deliberately small and strict: one GET with {@code Connection: close}, only a 200 is
 * accepted, redirects are errors naming their target (they could lead past the address check), a body is framed
 * by Content-Length, chunked encoding or the end of the connection, and connect, TLS, headers and body all share
 * one deadline and the body one size cap.
 */
public final class SafeHttpFetcher {
    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final HostResolver resolver;
    private final SSLSocketFactory tls;
    private final boolean allowPrivate;
    private final Duration connectTimeout;

    /**
     * @param allowPrivate skip the address policy (intranets, tests); resolution still happens only once
     * @param tls          sockets for https URLs (the JDK's default trust store in production)
     */
    public SafeHttpFetcher(HostResolver resolver, SSLSocketFactory tls, boolean allowPrivate, Duration connectTimeout) {
        this.resolver = resolver;
        this.tls = tls;
        this.allowPrivate = allowPrivate;
        this.connectTimeout = connectTimeout;
    }

    /** With the system resolver and trust store. */
    public SafeHttpFetcher(boolean allowPrivate, Duration connectTimeout) {
        this(HostResolver.SYSTEM, (SSLSocketFactory) SSLSocketFactory.getDefault(), allowPrivate, connectTimeout);
    }

    /** An http(s) URL with the addresses its host resolved to, every one of them allowed. */
    public record Target(URI uri, String host, int port, boolean https, List<InetAddress> addresses) {
        public Target {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * Resolves {@code uri}'s host once and checks every address.
     *
     * @throws FetchException.Refused when any address is not allowed (a name with one bad address is refused whole:
     *                                which one a client would get is the DNS server's choice)
     * @throws FetchException         for a URL that is not http(s) with a host, or a host that does not resolve
     */
    public Target resolve(URI uri) throws FetchException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException("Only http and https URLs can be fetched, not '" + scheme + "'.");
        }
        if (uri.getHost() == null) throw new FetchException("The URL '" + uri + "' has no host.");
        String host = bare(uri.getHost());
        boolean https = scheme.equals("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new FetchException("The host '" + host + "' could not be resolved.");
        }
        if (addresses == null || addresses.length == 0) {
            throw new FetchException("The host '" + host + "' could not be resolved.");
        }
        if (!allowPrivate) {
            for (InetAddress a : addresses) {
                Optional<String> why = OutboundAddressPolicy.refusal(a);
                if (why.isPresent()) {
                    throw new FetchException.Refused("The host '" + host + "' resolves to a private or loopback address ("
                            + a.getHostAddress() + ", " + why.get() + ").");
                }
            }
        }
        return new Target(uri, host, port, https, List.of(addresses));
    }

    /** {@link #resolve} then {@link #get}. */
    public InputStream fetch(URI uri, Duration deadline, long maxBytes) throws FetchException {
        return get(resolve(uri), deadline, maxBytes);
    }

    /**
     * GETs {@code target} from its checked addresses (tried in order), never resolving again. The returned body
     * throws {@link FetchException} when the deadline passes or more than {@code maxBytes} arrive; closing it closes
     * the connection.
     */
    public InputStream get(Target target, Duration timeout, long maxBytes) throws FetchException {
        Deadline deadline = Deadline.in(timeout, target.host());
        Socket socket = connect(target, deadline);
        try {
            if (target.https()) socket = handshake(socket, target, deadline);
            DeadlineInput in = new DeadlineInput(socket, deadline);
            OutputStream out = socket.getOutputStream();
            out.write(request(target).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return HttpResponseBody.read(in, target.host(), maxBytes);
        } catch (FetchException e) {
            closeQuietly(socket);
            throw e;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new FetchException("The download from " + target.host() + " failed: " + e.getMessage(), e);
        }
    }

    private Socket connect(Target target, Deadline deadline) throws FetchException {
        List<String> failures = new ArrayList<>();
        for (InetAddress address : target.addresses()) {
            long leftMs = deadline.millisLeft();
            if (leftMs <= 0) break;
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, target.port()),
                        (int) Math.min(leftMs, connectTimeout.toMillis()));
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                failures.add(address.getHostAddress() + ": " + e.getMessage());
            }
        }
        if (failures.size() < target.addresses().size()) {
            throw new FetchException("Could not connect to " + target.host() + " within " + deadline.total().toSeconds() + " s.");
        }
        throw new FetchException("Could not connect to " + target.host() + " (" + String.join("; ", failures) + ").");
    }

    /** TLS to the checked address, with SNI and certificate hostname verification for the URL's name. */
    private Socket handshake(Socket raw, Target target, Deadline deadline) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.createSocket(raw, target.host(), target.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        sniName(target.host()).ifPresent(name -> parameters.setServerNames(List.of(name)));
        ssl.setSSLParameters(parameters);
        deadline.arm(ssl);
        try {
            ssl.startHandshake();
        } catch (java.net.SocketTimeoutException e) {
            throw deadline.timedOut();
        } catch (SSLException e) {
            throw new FetchException("The TLS connection to " + target.host() + " failed: " + e.getMessage(), e);
        }
        return ssl;
    }

    private static Optional<SNIHostName> sniName(String host) {
        if (host.indexOf(':') >= 0 || host.matches("[0-9.]+")) return Optional.empty(); // IP literals have no SNI
        try {
            return Optional.of(new SNIHostName(IDN.toASCII(host)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String request(Target target) {
        URI uri = target.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
        boolean defaultPort = target.port() == (target.https() ? 443 : 80);
        String host = uri.getHost() + (defaultPort ? "" : ":" + target.port()); // keeps an IPv6 literal's brackets
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: Whetstone\r\nAccept: */*\r\n"
                + "Accept-Encoding: identity\r\nConnection: close\r\n\r\n";
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing after a failure: the failure is what gets reported
        }
    }

    static int maxLine() { return MAX_LINE; }

    static int maxHeaderBytes() { return MAX_HEADER_BYTES; }
}
