package dev.whetstone.store.blob;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns the SDK's exceptions into IOExceptions whose message says what went wrong in the user's terms (the bucket
 * is missing, access was denied, the endpoint cannot be reached) and what was being done.
 */
final class S3Errors {
    private final S3Location location;
    private final String server;

    S3Errors(S3Location location, String server) {
        this.location = location;
        this.server = server;
    }

    /** {@code action} is a phrase such as "writing blob 'files/file-1'". */
    IOException of(String action, SdkException e) {
        return new IOException(capitalized(action) + " in " + location + " failed: " + reason(e), e);
    }

    private String reason(SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            int status = s3.statusCode();
            if ("NoSuchBucket".equals(code) || (status == 404 && code == null)) {
                return "the bucket '" + location.bucket() + "' does not exist at " + server;
            }
            if (status == 403 || "AccessDenied".equals(code) || "InvalidAccessKeyId".equals(code)
                    || "SignatureDoesNotMatch".equals(code)) {
                return "access denied by " + server + (code == null ? "" : " (" + code + ")") + "; check the "
                        + "credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) and the bucket's policy";
            }
            if ("NoSuchUpload".equals(code)) {
                return "its multipart upload no longer exists (aborted by a start-up clean-up or a bucket lifecycle "
                        + "rule, as uploads older than the incomplete-upload age are)";
            }
            String message = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorMessage();
            return server + " answered HTTP " + status + (code == null ? "" : " " + code)
                    + (message == null ? "" : ": " + message);
        }
        Throwable unreachable = networkCause(e);
        if (unreachable != null) {
            return "the S3 endpoint " + server + " is unreachable (" + unreachable.getClass().getSimpleName()
                    + (unreachable.getMessage() == null ? "" : ": " + unreachable.getMessage()) + ")";
        }
        if (e instanceof SdkClientException && e.getMessage() != null
                && e.getMessage().contains("Unable to load credentials")) {
            return "no S3 credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile or role)";
        }
        return e.getMessage();
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) {
                return t;
            }
        }
        return null;
    }

    private static String capitalized(String action) {
        return Character.toUpperCase(action.charAt(0)) + action.substring(1);
    }
}
