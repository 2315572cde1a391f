package dev.whetstone.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 server for tests: s3proxy (filesystem backend under a temporary folder) run as its own process with
 * {@code java -jar}, on a free port of the loopback interface, with a random access key and secret, AWS signatures
 * v2 and v4. Its fat jar is not put on the test class path (its Jetty would meet ours); the build copies it into
 * whetstone-testing's target folder, and {@code s3proxy.properties} says where.
 *
 * <p>Its endpoint is {@code http://localhost:PORT}: the server treats {@code BUCKET.localhost} as virtual-host
 * addressing, and {@code localhost} itself as path style. {@link #client()} is a path-style client for setting
 * up buckets and looking at what a test left in them. Several processes may use one server (cluster tests hand
 * {@link #environment()} to child processes). {@link #close()} stops the process and deletes its folder.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String REGION = "us-east-1";
    /** The virtual-host suffix the server knows: bucket {@code b} is the host {@code b.localhost}. */
    public static final String VIRTUAL_HOST = "localhost";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path root;
    private final boolean ownsRoot;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private final S3Client client;
    private final Thread stopAtExit;

    private S3TestServer(Process process, Path root, boolean ownsRoot, int port, String accessKey, String secretKey) {
        this.process = process;
        this.root = root;
        this.ownsRoot = ownsRoot;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.client = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        this.stopAtExit = new Thread(process::destroyForcibly, "s3proxy-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /** Starts a server whose objects live in a new temporary folder, deleted by {@link #close()}. */
    public static S3TestServer start() throws IOException {
        return start(Files.createTempDirectory("whetstone-s3-"), true);
    }

    /** Starts a server whose objects live under {@code folder} (kept after {@link #close()}). */
    public static S3TestServer start(Path folder) throws IOException {
        return start(folder, false);
    }

    private static S3TestServer start(Path root, boolean ownsRoot) throws IOException {
        if (Runtime.version().feature() < 21) {
            throw new IllegalStateException("s3proxy needs Java 21 or later; this JVM is " + Runtime.version());
        }
        Path jar = jar();
        Path data = Files.createDirectories(root.resolve("buckets"));
        String accessKey = "test-" + random(6);
        String secretKey = random(20);
        IOException lastFailure = null;
        // the free port is found by binding and releasing it: another process may take it meanwhile, so retry
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Properties properties = new Properties();
            properties.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
            properties.setProperty("s3proxy.authorization", "aws-v2-or-v4");
            properties.setProperty("s3proxy.identity", accessKey);
            properties.setProperty("s3proxy.credential", secretKey);
            properties.setProperty("s3proxy.virtual-host", VIRTUAL_HOST);
            properties.setProperty("jclouds.provider", "filesystem");
            properties.setProperty("jclouds.filesystem.basedir", data.toString());
            Path config = root.resolve("s3proxy-" + port + ".properties");
            try (var out = Files.newOutputStream(config)) {
                properties.store(out, "s3proxy for a Whetstone test");
            }
            Path log = root.resolve("s3proxy-" + port + ".log");
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-jar", jar.toString(), "--properties", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                awaitListening(process, port, log);
                return new S3TestServer(process, root, ownsRoot, port, accessKey, secretKey);
            } catch (IOException e) {
                process.destroyForcibly();
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    /** {@code http://localhost:PORT}: path style as it is, virtual-host style when the SDK prefixes the bucket. */
    public URI endpoint() { return URI.create("http://" + VIRTUAL_HOST + ":" + port); }

    public String accessKey() { return accessKey; }

    public String secretKey() { return secretKey; }

    /** The standard AWS variables for a child process that should use this server (with its endpoint option). */
    public Map<String, String> environment() {
        return Map.of("AWS_ACCESS_KEY_ID", accessKey, "AWS_SECRET_ACCESS_KEY", secretKey, "AWS_REGION", REGION);
    }

    /** A path-style client with this server's credentials; closed by {@link #close()}. */
    public S3Client client() { return client; }

    public void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    /**
     * The keys of the objects in {@code bucket}, sorted. The filesystem backend also lists its folders as keys ending
     * in '/'; no blob key ends so, and they are left out.
     */
    public List<String> keys(String bucket) {
        return client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key)
                .filter(key -> !key.endsWith("/")).sorted().toList();
    }

    /** An object's bytes. */
    public byte[] read(String bucket, String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    /** Multipart uploads in progress in {@code bucket}. */
    public List<MultipartUpload> uploads(String bucket) {
        return client.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads().stream().toList();
    }

    @Override
    public void close() {
        client.close();
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException exiting) {
            // the JVM is already shutting down: the hook runs anyway
        }
        if (ownsRoot) deleteTree(root);
    }

    private static void awaitListening(Process process, int port, Path log) throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("s3proxy exited with " + process.exitValue() + " before listening: " + tail(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while s3proxy started", e);
                }
            }
        }
        throw new IOException("s3proxy did not listen on port " + port + " within " + START_TIMEOUT + ": " + tail(log));
    }

    private static Path jar() throws IOException {
        Properties where = new Properties();
        try (InputStream in = S3TestServer.class.getResourceAsStream("s3proxy.properties")) {
            if (in == null) throw new IllegalStateException("s3proxy.properties is missing: build whetstone-testing with Maven");
            where.load(in);
        }
        Path jar = Path.of(where.getProperty("jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the s3proxy jar " + jar + " is missing: run the Maven build of whetstone-testing "
                    + "(its generate-resources phase copies it)");
        }
        return jar;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the S3 test folder " + folder, e);
        }
    }
}
