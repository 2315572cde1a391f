package dev.whetstone.server.tls;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The HTTPS listener {@code serve --tls-port} adds beside the plain one: same handlers, HTTP/1.1 over TLS. */
public final class TlsConnector {
    /** The connector's name, so the bound port can be found after a start on port 0. */
    public static final String NAME = "whetstone-https";

    private TlsConnector() {}

    public static Connector create(Server server, HttpConfiguration plain, String host, int port, ServerCertificate cert) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(cert.keyStore());
        ssl.setKeyStorePassword(new String(cert.keyStorePassword()));
        HttpConfiguration https = new HttpConfiguration(plain);
        // No SNI host check: clients reach a local service by IP as often as by name, and the certificate's names are
        // the client's to verify.
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setName(NAME);
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /** The plain HTTP listener, which Javalin no longer adds itself once another connector is configured. */
    public static Connector plain(Server server, HttpConfiguration http, String host, int port) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /** The bound port of the HTTPS connector, or -1 when there is none. */
    public static int port(Server server) {
        for (Connector c : server.getConnectors()) {
            if (NAME.equals(c.getName()) && c instanceof ServerConnector sc) return sc.getLocalPort();
        }
        return -1;
    }
}
