package dev.whetstone.store.blob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.store.BlobStore;
import dev.whetstone.testing.BlobStoreContract;
import dev.whetstone.testing.S3TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The blob-store contract on a real S3 server with virtual-host addressing ({@code http://BUCKET.localhost:PORT/KEY},
 * AWS's default), so the bucket travels in the host name and never in the path.
 */
class S3VirtualHostBlobStoreTest extends BlobStoreContract {
    private static S3TestServer server;
    private final List<String> hosts = new ArrayList<>();
    private S3BlobStore s3;
    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @AfterEach
    void closeStore() {
        s3.close();
    }

    @Override
    protected BlobStore emptyStore() throws Exception {
        bucket = S3Fixture.newBucket(server, "virtual-host");
        S3Settings settings = S3Fixture.settings(server, bucket);
        settings = new S3Settings(settings.location(), settings.endpoint(), false, settings.region(),
                settings.credentials(), settings.incompleteUploadAge(), settings.partSize());
        ExecutionInterceptor recordHosts = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                synchronized (hosts) {
                    hosts.add(context.httpRequest().host() + " " + context.httpRequest().encodedPath());
                }
            }
        };
        s3 = S3BlobStore.open(settings, S3Fixture.RESOLVE_BUCKET_HOSTS.andThen(
                b -> b.overrideConfiguration(c -> c.addExecutionInterceptor(recordHosts))));
        return s3;
    }

    @Override
    protected long incompleteCount() throws Exception {
        return s3.incompleteWrites();
    }

    @Test
    void requestsNameTheBucketInTheHost() throws Exception {
        put(store, "files/file-1", new byte[] {1, 2});

        assertThat(read(store, "files/file-1")).containsExactly(1, 2);
        assertThat(hosts).isNotEmpty().allSatisfy(request -> assertThat(request)
                .startsWith(bucket + "." + S3TestServer.VIRTUAL_HOST + " ")
                .doesNotContain("/" + bucket + "/"));
        assertThat(server.keys(bucket)).containsExactly("whetstone/files/file-1");
    }
}
