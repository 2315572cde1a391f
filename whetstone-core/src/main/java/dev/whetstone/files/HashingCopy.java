package dev.whetstone.files;

import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Copies a stream in fixed-size chunks (never the whole content in memory), hashing and counting on the way. */
final class HashingCopy {
    private static final int CHUNK = 256 * 1024;

    record Result(long bytes, String sha256) {}

    private HashingCopy() {}

    /** Throws 413 as soon as more than {@code maxBytes} arrive, without reading the rest. */
    static Result copy(InputStream in, OutputStream out, long maxBytes) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
            if (total > maxBytes) {
                throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The file is larger than the limit of "
                        + maxBytes + " bytes (" + (maxBytes >> 20) + " MB).", "file");
            }
            sha.update(buffer, 0, n);
            out.write(buffer, 0, n);
        }
        return new Result(total, HexFormat.of().formatHex(sha.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
