package dev.whetstone.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate {@code serve} offers over TLS: the user's own (a PEM certificate chain and a PEM private key, PKCS#8,
 * PKCS#1 or SEC1), or one generated into {@code <data>/tls/} on first start. The generated one is a leaf certificate for
 * localhost, 127.0.0.1, ::1, this machine's host name and the bound address, signed by a throw-away local CA whose
 * certificate ({@code ca.pem}) clients trust (Python's requests through {@code REQUESTS_CA_BUNDLE}); the CA's private
 * key is never written, so nothing else can be signed with it. A separate CA (rather than one self-signed leaf) is what
 * strict verifiers accept: a trust anchor with {@code CA:true}, a leaf with {@code CA:false} and serverAuth.
 *
 * <p>BouncyCastle builds and parses the certificates: the JDK has no public API for issuing X.509 certificates
 * (keytool's classes are internal), and PEM keys come in several encodings.
 */
public final class ServerCertificate {
    /** Leaf lifetime; a generated certificate this close to its end, or missing a name, is issued again at start. */
    static final Duration LIFETIME = Duration.ofDays(825);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final char[] PASSWORD = "whetstone".toCharArray(); // in-memory key store only

    private final KeyStore keyStore;
    private final Path caFile;

    private ServerCertificate(KeyStore keyStore, Path caFile) {
        this.keyStore = keyStore;
        this.caFile = caFile;
    }

    /** An in-memory key store holding the key and chain under the alias {@code server}. */
    public KeyStore keyStore() { return keyStore; }

    public char[] keyStorePassword() { return PASSWORD.clone(); }

    /** The CA certificate clients should trust, when this one was generated; null for the user's own. */
    public Path caFile() { return caFile; }

    /** The folder of the generated certificate: {@code <data>/tls}. */
    public static Path folder(Path dataDir) { return dataDir.resolve("tls"); }

    /** The user's certificate chain and key (PEM files). */
    public static ServerCertificate fromPem(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = readChain(certFile);
        if (chain.isEmpty()) throw new IOException("no CERTIFICATE block in " + certFile);
        PrivateKey key = readKey(keyFile);
        return new ServerCertificate(keyStore(key, chain), null);
    }

    /**
     * The generated certificate in {@code <data>/tls}, issued now when missing, expiring within 30 days, or lacking
     * one of {@code hosts} (the bound address, when it is not a wildcard).
     */
    public static ServerCertificate generated(Path dataDir, Set<String> hosts, Clock clock) throws IOException {
        Path dir = folder(dataDir);
        Path ca = dir.resolve("ca.pem");
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server-key.pem");
        Set<String> names = names(hosts);
        if (!usable(cert, key, ca, names, clock.instant())) issue(dir, ca, cert, key, names, clock.instant());
        ServerCertificate loaded = fromPem(cert, key);
        return new ServerCertificate(loaded.keyStore, ca);
    }

    private static boolean usable(Path cert, Path key, Path ca, Set<String> names, Instant now) throws IOException {
        if (!Files.isRegularFile(cert) || !Files.isRegularFile(key) || !Files.isRegularFile(ca)) return false;
        List<X509Certificate> chain = readChain(cert);
        if (chain.isEmpty()) return false;
        X509Certificate leaf = chain.getFirst();
        if (leaf.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) return false;
        try {
            Set<String> present = new LinkedHashSet<>();
            if (leaf.getSubjectAlternativeNames() != null) {
                for (List<?> san : leaf.getSubjectAlternativeNames()) present.add(String.valueOf(san.get(1)).toLowerCase());
            }
            for (String n : names) {
                if (!present.contains(n.toLowerCase()) && !present.contains(canonicalIp(n))) return false;
            }
        } catch (GeneralSecurityException e) {
            return false;
        }
        return true;
    }

    /** The names the generated certificate covers: the loopback names, this host's name, and the bound host. */
    static Set<String> names(Set<String> hosts) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            String own = InetAddress.getLocalHost().getHostName();
            if (own != null && !own.isBlank()) names.add(own);
        } catch (IOException e) {
            // no resolvable host name: loopback names are enough for local use
        }
        for (String h : hosts) {
            if (h != null && !h.isBlank() && !h.equals("0.0.0.0") && !h.equals("::") && !h.equals("[::]")) names.add(h);
        }
        return names;
    }

    private static void issue(Path dir, Path caFile, Path certFile, Path keyFile, Set<String> names, Instant now)
            throws IOException {
        try {
            Files.createDirectories(dir);
            KeyPair caKeys = ecKeys();
            KeyPair leafKeys = ecKeys();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X500Name caName = new X500Name("CN=Whetstone local CA " + Long.toHexString(now.toEpochMilli()) + ",O=Whetstone");
            Date from = Date.from(now.minus(Duration.ofHours(1))); // tolerate a client clock slightly behind
            Date until = Date.from(now.plus(LIFETIME));

            JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(), from, until, caName,
                    caKeys.getPublic());
            caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            caBuilder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCert = certificate(caBuilder.build(signer(caKeys.getPrivate())));

            JcaX509v3CertificateBuilder leafBuilder = new JcaX509v3CertificateBuilder(caName, serial(), from, until,
                    new X500Name("CN=" + names.iterator().next() + ",O=Whetstone"), leafKeys.getPublic());
            leafBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            leafBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            leafBuilder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            leafBuilder.addExtension(Extension.subjectAlternativeName, false, sans(names));
            leafBuilder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKeys.getPublic()));
            leafBuilder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate leaf = certificate(leafBuilder.build(signer(caKeys.getPrivate())));

            // Key first, owner-readable only; the certificate files last, so a crash leaves no pair that does not match.
            write(keyFile, pem(new JcaPKCS8Generator(leafKeys.getPrivate(), null).generate()), true);
            write(caFile, pem(caCert), false);
            write(certFile, pem(leaf) + pem(caCert), false);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("could not issue the local TLS certificate: " + e.getMessage(), e);
        }
    }

    private static GeneralNames sans(Set<String> names) {
        List<GeneralName> out = new ArrayList<>();
        for (String n : names) {
            out.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n.replace("[", "").replace("]", ""))
                    : new GeneralName(GeneralName.dNSName, n));
        }
        return new GeneralNames(out.toArray(GeneralName[]::new));
    }

    static boolean isIpLiteral(String n) {
        return n.matches("\\d{1,3}(\\.\\d{1,3}){3}") || n.contains(":");
    }

    /** IP SANs come back from the JDK in its own text form (0:0:0:0:0:0:0:1); compare in that form. */
    private static String canonicalIp(String n) {
        if (!isIpLiteral(n)) return n.toLowerCase();
        try {
            return InetAddress.getByName(n.replace("[", "").replace("]", "")).getHostAddress().toLowerCase();
        } catch (IOException e) {
            return n.toLowerCase();
        }
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() { return new BigInteger(64, new SecureRandom()).add(BigInteger.ONE); }

    private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    }

    private static X509Certificate certificate(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static KeyStore keyStore(PrivateKey key, List<X509Certificate> chain) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, PASSWORD, chain.toArray(Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("the TLS key does not match its certificate chain or is unsupported: " + e.getMessage(), e);
        }
    }

    static List<X509Certificate> readChain(Path file) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) chain.add(certificate(h));
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("could not read the certificate in " + file + ": " + e.getMessage(), e);
        }
        return chain;
    }

    static PrivateKey readKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                // PKCS#1 / SEC1 (an EC key without its optional public part has no key pair to convert)
                if (o instanceof PEMKeyPair pair) return converter.getPrivateKey(pair.getPrivateKeyInfo());
                if (o instanceof PrivateKeyInfo info) return converter.getPrivateKey(info);          // PKCS#8
            }
        }
        throw new IOException("no unencrypted PRIVATE KEY block in " + file
                + " (PKCS#8 'PRIVATE KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY'; encrypted keys are not supported)");
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static void write(Path file, String text, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the data folder's own permissions protect it
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
