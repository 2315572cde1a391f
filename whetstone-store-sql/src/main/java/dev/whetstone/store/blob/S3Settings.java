package dev.whetstone.store.blob;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * How to reach an S3-compatible store (AWS S3, MinIO, Ceph RGW, s3proxy).
 *
 * @param location             bucket and key prefix
 * @param endpoint             the server's URL; null means AWS S3 in {@code region}
 * @param pathStyle            {@code http://host/bucket/key} instead of {@code http://bucket.host/key} (MinIO and
 *                             most self-hosted servers want path style; AWS prefers virtual hosts)
 * @param region               signing region; null means the SDK's default chain (AWS_REGION, the profile, …),
 *                             falling back to us-east-1 when an endpoint is given (self-hosted servers accept any)
 * @param credentials          null means the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the
 *                             profile, web identity, container and instance roles)
 * @param incompleteUploadAge  {@link S3BlobStore#cleanUpIncomplete()} aborts only multipart uploads started longer
 *                             ago than this, so another live process's upload in flight is left alone
 * @param partSize             bytes per multipart part, and the largest blob sent as one PutObject; the memory a
 *                             writer holds at most (S3 wants at least 5 MiB for every part but the last)
 */
public record S3Settings(S3Location location, URI endpoint, boolean pathStyle, String region,
                         AwsCredentialsProvider credentials, Duration incompleteUploadAge, int partSize) {
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    /** Longer than any upload should take, so start-up never aborts a live one (docs/operations.md). */
    public static final Duration DEFAULT_INCOMPLETE_UPLOAD_AGE = Duration.ofHours(24);

    public S3Settings {
        if (location == null) throw new IllegalArgumentException("an S3 blob store needs a bucket");
        if (endpoint != null) {
            String scheme = endpoint.getScheme();
            if (!("http".equals(scheme) || "https".equals(scheme)) || endpoint.getHost() == null) {
                throw new IllegalArgumentException("--s3-endpoint expects an http:// or https:// URL with a host, got '"
                        + endpoint + "'");
            }
        }
        if (region != null && region.isBlank()) region = null;
        if (incompleteUploadAge == null) incompleteUploadAge = DEFAULT_INCOMPLETE_UPLOAD_AGE;
        if (incompleteUploadAge.isNegative()) {
            throw new IllegalArgumentException("the incomplete-upload age must be 0 or more, got " + incompleteUploadAge);
        }
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("the S3 part size must be at least 5 MiB, got " + partSize);
        }
    }

    /** Defaults for everything but where the store is: the SDK's credentials and region, 8 MiB parts, 24 h. */
    public static S3Settings of(S3Location location, URI endpoint, boolean pathStyle) {
        return new S3Settings(location, endpoint, pathStyle, null, null, DEFAULT_INCOMPLETE_UPLOAD_AGE, DEFAULT_PART_SIZE);
    }

    /** Parses an {@code --s3-endpoint} value; null or blank means none (AWS S3). */
    public static URI endpoint(String url) {
        if (url == null || url.isBlank()) return null;
        try {
            URI uri = new URI(url.strip());
            if (uri.getHost() == null) throw new IllegalArgumentException();
            return uri;
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--s3-endpoint expects an http:// or https:// URL with a host, got '"
                    + url + "'");
        }
    }

    public S3Settings withRegion(String newRegion) {
        return new S3Settings(location, endpoint, pathStyle, newRegion, credentials, incompleteUploadAge, partSize);
    }

    public S3Settings withCredentials(AwsCredentialsProvider newCredentials) {
        return new S3Settings(location, endpoint, pathStyle, region, newCredentials, incompleteUploadAge, partSize);
    }

    public S3Settings withIncompleteUploadAge(Duration age) {
        return new S3Settings(location, endpoint, pathStyle, region, credentials, age, partSize);
    }

    public S3Settings withPartSize(int newPartSize) {
        return new S3Settings(location, endpoint, pathStyle, region, credentials, incompleteUploadAge, newPartSize);
    }
}
