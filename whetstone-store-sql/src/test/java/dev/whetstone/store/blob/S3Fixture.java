package dev.whetstone.store.blob;

import dev.whetstone.testing.S3TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.http.impl.conn.SystemDefaultDnsResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Stores on one {@link S3TestServer}: a fresh bucket each, with the server's credentials. */
final class S3Fixture {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    /**
     * Virtual-host addressing needs {@code BUCKET.localhost} to resolve, which this machine's resolver does not do:
     * the client alone is pointed at the loopback for those names, everything else about the requests is as in
     * production.
     */
    static final Consumer<S3ClientBuilder> RESOLVE_BUCKET_HOSTS = builder -> builder.httpClientBuilder(
            ApacheHttpClient.builder().dnsResolver(host -> host.endsWith("." + S3TestServer.VIRTUAL_HOST)
                    ? new InetAddress[] {InetAddress.getLoopbackAddress()}
                    : SystemDefaultDnsResolver.INSTANCE.resolve(host)));

    private S3Fixture() {}

    static String newBucket(S3TestServer server, String purpose) {
        String bucket = purpose + "-" + BUCKETS.incrementAndGet();
        server.createBucket(bucket);
        return bucket;
    }

    /** Path style, prefix {@code whetstone}, 5 MiB parts, incomplete uploads aborted at any age (one process). */
    static S3Settings settings(S3TestServer server, String bucket) {
        return new S3Settings(new S3Location(bucket, "whetstone"), server.endpoint(), true, S3TestServer.REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(), server.secretKey())),
                Duration.ZERO, S3Settings.MIN_PART_SIZE);
    }

    static S3BlobStore open(S3Settings settings) throws IOException {
        return S3BlobStore.open(settings, settings.pathStyle() ? builder -> {} : RESOLVE_BUCKET_HOSTS);
    }
}
