package dev.whetstone.store.blob;

import dev.whetstone.store.BlobKeys;
import java.util.regex.Pattern;

/**
 * Where an {@link S3BlobStore} keeps its blobs: a bucket and an optional key prefix, written
 * {@code s3://BUCKET[/PREFIX]}. Blob {@code files/file-1} under prefix {@code whetstone} is the object
 * {@code whetstone/files/file-1}.
 *
 * @param bucket an S3 bucket name (3–63 characters of a-z 0-9 . -, starting and ending with a letter or digit)
 * @param prefix {@link BlobKeys}-valid segments without a trailing slash, or empty for the whole bucket
 */
public record S3Location(String bucket, String prefix) {
    /** AWS's rules for new buckets (the strictest S3-compatible servers follow them too). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    public S3Location {
        requireBucket(bucket);
        if (prefix == null) prefix = "";
        if (!prefix.isEmpty()) {
            try {
                BlobKeys.requireValid(prefix);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the key prefix '" + prefix + "' is not valid: each '/'-separated "
                        + "segment must be non-empty and use only A-Z a-z 0-9 . _ - (no '.' or '..')");
            }
        }
    }

    /** Parses {@code s3://BUCKET[/PREFIX]} (a trailing slash is allowed); throws saying what is wrong. */
    public static S3Location parse(String url) {
        if (url == null || !url.startsWith("s3://")) {
            throw new IllegalArgumentException("--blob-store expects s3://BUCKET[/PREFIX], got '" + url + "'");
        }
        String rest = url.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (prefix.length() > 1 && prefix.endsWith("/")) prefix = prefix.substring(0, prefix.length() - 1);
        try {
            return new S3Location(bucket, prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--blob-store '" + url + "': " + e.getMessage());
        }
    }

    /** The object key of blob {@code key}. */
    String objectKey(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    /** What every object key of this location starts with ("" for a whole bucket). */
    String keyPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    @Override
    public String toString() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    private static void requireBucket(String bucket) {
        if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")
                || IP_ADDRESS.matcher(bucket).matches()) {
            throw new IllegalArgumentException("'" + bucket + "' is not a valid S3 bucket name: 3 to 63 characters of "
                    + "a-z 0-9 . -, starting and ending with a letter or digit, no '..', not an IP address");
        }
    }
}
