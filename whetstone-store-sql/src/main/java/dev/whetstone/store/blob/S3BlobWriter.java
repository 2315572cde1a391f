package dev.whetstone.store.blob;

import dev.whetstone.store.BlobStore.BlobWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One blob on its way into S3. Bytes collect in a buffer of at most one part; when more arrive than a part holds,
 * the full part goes to a multipart upload of the final key (started then), so memory stays bounded whatever the
 * blob's size. {@link #commit()} sends a blob that never filled a part as one PutObject, or uploads the last part and
 * completes the upload: either request makes the whole blob visible at once. Each request carries the MD5 of its
 * bytes (Content-MD5), which the server verifies before storing them. Synchronized: the owner writes and commits,
 * while {@link S3BlobStore#cleanUpIncomplete()} may discard it from another thread.
 */
final class S3BlobWriter implements BlobWriter {
    private enum State { OPEN, COMMITTED, DISCARDED }

    /** S3's limit on the parts of one upload. */
    private static final int MAX_PARTS = 10_000;
    /** Most blobs (results, small files) are far smaller than a part: the buffer grows to a part only when needed. */
    private static final int FIRST_BUFFER = 64 * 1024;

    private final S3BlobStore store;
    private final String key;
    private final String objectKey;
    private final int partSize;
    private final OutputStream out = new PartStream();
    private final List<CompletedPart> parts = new ArrayList<>();
    private final byte[] oneByte = new byte[1];
    private byte[] buffer;
    private int filled;
    private long size;
    private volatile String uploadId;
    private State state = State.OPEN;

    S3BlobWriter(S3BlobStore store, String key) {
        this.store = store;
        this.key = key;
        this.objectKey = store.objectKey(key);
        this.partSize = store.settings().partSize();
        this.buffer = new byte[Math.min(FIRST_BUFFER, partSize)];
    }

    /** Closing this stream only flushes: the blob ends with commit or close of the writer. */
    @Override
    public OutputStream out() { return out; }

    @Override
    public synchronized long commit() throws IOException {
        if (state == State.COMMITTED) throw new IllegalStateException("blob '" + key + "' is already committed");
        requireOpen();
        try {
            if (uploadId == null) {
                store.client().putObject(b -> b.bucket(store.bucket()).key(objectKey).contentLength((long) filled)
                        .contentMD5(md5(buffer, filled)), body(buffer, filled));
            } else {
                if (filled > 0) uploadPart();
                String id = uploadId;
                store.client().completeMultipartUpload(b -> b.bucket(store.bucket()).key(objectKey).uploadId(id)
                        .multipartUpload(m -> m.parts(parts)));
            }
        } catch (SdkException e) {
            // left open: the caller's close() aborts the upload
            throw store.errors().of("committing blob '" + key + "'", e);
        }
        state = State.COMMITTED;
        release();
        return size;
    }

    /** Discards the write; an upload already started is aborted, so none of its parts stays stored. */
    @Override
    public synchronized void close() throws IOException {
        if (state != State.OPEN) return;
        state = State.DISCARDED;
        release();
        String id = uploadId;
        if (id == null) return;
        try {
            store.client().abortMultipartUpload(b -> b.bucket(store.bucket()).key(objectKey).uploadId(id));
        } catch (software.amazon.awssdk.services.s3.model.NoSuchUploadException alreadyGone) {
            // aborted by a clean-up meanwhile: the same outcome
        } catch (SdkException e) {
            throw store.errors().of("aborting the upload of blob '" + key + "'", e);
        }
    }

    /** {@link S3BlobStore#cleanUpIncomplete()}: as close; a later commit fails. */
    void discard() throws IOException {
        close();
    }

    boolean hasUpload() { return uploadId != null; }

    private synchronized void write(byte[] bytes, int off, int len) throws IOException {
        requireOpen();
        while (len > 0) {
            // a full part is sent only once more bytes come, so a blob of exactly one part is one PutObject
            if (filled == partSize) uploadPart();
            if (filled == buffer.length) buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, partSize));
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(bytes, off, buffer, filled, n);
            filled += n;
            size += n;
            off += n;
            len -= n;
        }
    }

    private synchronized void writeByte(int b) throws IOException {
        oneByte[0] = (byte) b;
        write(oneByte, 0, 1);
    }

    private void uploadPart() throws IOException {
        if (parts.size() == MAX_PARTS) {
            throw new IOException("Blob '" + key + "' is larger than S3 allows in " + MAX_PARTS + " parts of "
                    + partSize + " bytes");
        }
        try {
            if (uploadId == null) {
                uploadId = store.client().createMultipartUpload(b -> b.bucket(store.bucket()).key(objectKey)).uploadId();
            }
            int number = parts.size() + 1;
            String id = uploadId;
            String etag = store.client().uploadPart(b -> b.bucket(store.bucket()).key(objectKey).uploadId(id)
                            .partNumber(number).contentLength((long) filled).contentMD5(md5(buffer, filled)),
                    body(buffer, filled)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            filled = 0;
        } catch (SdkException e) {
            throw store.errors().of("writing blob '" + key + "'", e);
        }
    }

    private void requireOpen() throws IOException {
        if (state == State.DISCARDED) {
            throw new IOException("blob '" + key + "' was discarded (closed or cleaned up) before commit");
        }
        if (state == State.COMMITTED) throw new IOException("blob '" + key + "' is already committed");
    }

    private void release() {
        buffer = null;
        filled = 0;
        store.finished(this);
    }

    /** A body the SDK can read again on a retry, without copying the buffer. */
    private static RequestBody body(byte[] bytes, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                "application/octet-stream");
    }

    private static String md5(byte[] bytes, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(bytes, 0, length);
            return Base64.getEncoder().encodeToString(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    private final class PartStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            writeByte(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            S3BlobWriter.this.write(b, off, len);
        }
    }
}
