package dev.whetstone.artifacts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * What a published folder holds: its files (path relative to the folder with '/', size, SHA-256) and the version
 * folder their blobs sit in ({@code <key>/<version>/<index>}, index = position in {@link #files()}). Written last, so
 * its blob is the commit: until it exists nothing of the folder is visible.
 */
public record Manifest(String version, List<Entry> files) {
    static final String FILE = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Entry(String path, long size, String sha256) {}

    public Manifest {
        files = files.stream().sorted(Comparator.comparing(Entry::path)).toList();
    }

    /**
     * Names the content (never the version): the SHA-256 of one "sha256 size path" line per file in path order. Two
     * publishes of the same files share a cache entry.
     */
    public String contentHash() {
        MessageDigest sha = sha256();
        for (Entry e : files) sha.update((e.sha256() + " " + e.size() + " " + e.path() + "\n").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    public long totalBytes() { return files.stream().mapToLong(Entry::size).sum(); }

    /** The blob key of file {@code index} under folder key {@code key}. */
    String blobKey(String key, int index) { return key + "/" + version + "/" + index; }

    static String manifestKey(String key) { return key + "/" + FILE; }

    byte[] toJson() throws IOException { return JSON.writeValueAsBytes(this); }

    static Manifest read(InputStream in) throws IOException {
        Manifest m = JSON.readValue(in, Manifest.class);
        if (m.version() == null || m.files() == null) throw new IOException("artifact manifest lacks version or files");
        for (Entry e : m.files()) {
            if (e.path() == null || e.path().isEmpty() || e.path().startsWith("/") || e.sha256() == null
                    || List.of(e.path().split("/")).stream().anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
                throw new IOException("artifact manifest has an unsafe file path '" + e.path() + "'");
            }
        }
        return m;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
