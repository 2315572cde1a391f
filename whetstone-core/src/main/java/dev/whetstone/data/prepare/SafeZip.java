package dev.whetstone.data.prepare;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The parts of a zip file (an XLSX), each read through a counter that stops a zip bomb: a part may inflate to at
 * most {@link InputLimits#maxXlsxEntryBytes()} bytes, and past the first MiB to at most
 * {@link InputLimits#maxXlsxInflateRatio()} times its compressed size. The counts are of bytes actually inflated,
 * not of the sizes the archive claims.
 */
final class SafeZip implements AutoCloseable {
    /** Small parts may compress very well (a sheet of one repeated value); the ratio check starts past this. */
    private static final long RATIO_GRACE_BYTES = 1 << 20;

    static final class BombException extends IOException {
        BombException(String message) { super(message); }
    }

    private final ZipFile zip;
    private final InputLimits limits;

    SafeZip(Path file, InputLimits limits) throws IOException, BadInputException {
        try {
            this.zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new BadInputException(file.getFileName() + " is not a valid XLSX file (its zip structure is broken"
                    + " or it is another format); open it in a spreadsheet program and save it again as .xlsx.", e);
        }
        this.limits = limits;
    }

    boolean has(String name) { return zip.getEntry(name) != null; }

    /** The part's bytes, inflated under the limits; null when the archive has no such part. */
    InputStream open(String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) return null;
        long compressed = Math.max(1, entry.getCompressedSize());
        return new FilterInputStream(zip.getInputStream(entry)) {
            private long inflated;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) count(1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) count(n);
                return n;
            }

            private void count(int n) throws BombException {
                inflated += n;
                if (inflated > limits.maxXlsxEntryBytes()) {
                    throw new BombException("part " + name + " inflates to more than " + limits.maxXlsxEntryBytes() + " bytes");
                }
                if (inflated > RATIO_GRACE_BYTES && inflated / compressed > limits.maxXlsxInflateRatio()) {
                    throw new BombException("part " + name + " inflates more than " + limits.maxXlsxInflateRatio()
                            + " times its compressed size");
                }
            }
        };
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
