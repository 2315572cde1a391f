package dev.whetstone.data.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One job's images, so that each is fetched at most once per job however many epochs (and validation passes) read
 * it. Keyed by the SHA-256 of the URL text (a data: URL's key is thus the hash of its bytes' base64).
 *
 * <ul>
 *   <li><b>Fetched bytes</b> of http(s) images are kept on disk in {@code dir} (the job's work folder's
 *       {@code images/}), at most {@code maxDiskBytes} in all; an image that would pass the bound fails with
 *       {@code TOO_LARGE} rather than being fetched again later (a URL's content may change between epochs).
 *       data: URLs are not written: their bytes are in the training file already.</li>
 *   <li><b>Decoded pixels</b> are kept in memory, least recently used first out, at most {@code maxMemoryBytes} of
 *       RGB; an evicted image is decoded again from its bytes (a few milliseconds per megapixel), never re-fetched.</li>
 *   <li><b>Failures</b> are remembered: a URL that failed once fails the same way for the rest of the job.</li>
 * </ul>
 * {@link #close} deletes the folder unless {@link #keepOnClose} was called (a paused job keeps its images for
 * the resume; a cache opened on an existing folder takes over the images already there, so a resumed or taken-over
 * job does not fetch them again). Thread-safe (one lock: a job reads its images from one thread at a time).
 */
public final class JobImageCache implements ImageLoader, AutoCloseable {
    /** The sub-folder of a job's work folder that holds its fetched images. */
    public static final String FOLDER = "images";
    /** Default disk bound for fetched images: 400 images of the 10 MB maximum. */
    public static final long DEFAULT_MAX_DISK_BYTES = 4L << 30;
    /** Default memory bound for decoded pixels. */
    public static final long DEFAULT_MAX_MEMORY_BYTES = 512L << 20;

    private final UrlImageLoader loader;
    private final Path dir;
    private final long maxDiskBytes;
    private final long maxMemoryBytes;
    private final LinkedHashMap<String, DecodedImage> decoded = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, ImageLoadException> failed = new HashMap<>();
    private final Map<String, Long> onDisk = new HashMap<>();
    private long memoryBytes;
    private long diskBytes;
    private int fetches;
    private boolean keep;

    public JobImageCache(UrlImageLoader loader, Path dir, long maxDiskBytes, long maxMemoryBytes) {
        this.loader = loader;
        this.dir = dir;
        this.maxDiskBytes = maxDiskBytes;
        this.maxMemoryBytes = maxMemoryBytes;
        adoptExisting();
    }

    public JobImageCache(UrlImageLoader loader, Path dir) {
        this(loader, dir, DEFAULT_MAX_DISK_BYTES, DEFAULT_MAX_MEMORY_BYTES);
    }

    @Override
    public synchronized DecodedImage load(String url) throws ImageLoadException {
        String key = UrlImageLoader.sha256(url.getBytes(StandardCharsets.UTF_8));
        ImageLoadException failure = failed.get(key);
        if (failure != null) throw new ImageLoadException(failure.reason(), failure.getMessage());
        DecodedImage image = decoded.get(key);
        if (image != null) return image;
        try {
            image = loader.decode(bytes(key, url));
        } catch (ImageLoadException e) {
            failed.put(key, e);
            throw e;
        }
        remember(key, image);
        return image;
    }

    /** Leaves the folder in place at {@link #close} (a paused job resumes with its images). */
    public synchronized void keepOnClose() { keep = true; }

    /** Images fetched by an earlier run of the same job (complete files only: a {@code .part} was cut short). */
    private void adoptExisting() {
        if (!Files.isDirectory(dir)) return;
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.matches("[0-9a-f]{64}")) {
                    long size = Files.size(file);
                    onDisk.put(name, size);
                    diskBytes += size;
                } else {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the job's image cache in " + dir + " could not be read", e);
        }
    }

    /** How many http(s) fetches this cache has made (each distinct URL at most once). */
    public synchronized int fetches() { return fetches; }

    private byte[] bytes(String key, String url) throws ImageLoadException {
        if (url.regionMatches(true, 0, "data:", 0, 5)) return loader.read(url);
        Path file = dir.resolve(key);
        try {
            if (onDisk.containsKey(key)) return Files.readAllBytes(file);
            fetches++;
            byte[] bytes = loader.read(url);
            if (diskBytes + bytes.length > maxDiskBytes) {
                throw new ImageLoadException(ImageLoadException.Reason.TOO_LARGE, "The job's fetched images pass "
                        + maxDiskBytes + " bytes, the bound of its image cache; use fewer or smaller http(s) images.");
            }
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, key, ".part");
            Files.write(temp, bytes);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            onDisk.put(key, (long) bytes.length);
            diskBytes += bytes.length;
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("the job's image cache in " + dir + " failed", e);
        }
    }

    private void remember(String key, DecodedImage image) {
        long size = image.rgb().length;
        if (size > maxMemoryBytes) return;
        decoded.put(key, image);
        memoryBytes += size;
        Iterator<Map.Entry<String, DecodedImage>> oldest = decoded.entrySet().iterator();
        while (memoryBytes > maxMemoryBytes && oldest.hasNext()) {
            Map.Entry<String, DecodedImage> e = oldest.next();
            if (e.getKey().equals(key)) continue;
            memoryBytes -= e.getValue().rgb().length;
            oldest.remove();
        }
    }

    @Override
    public synchronized void close() {
        decoded.clear();
        memoryBytes = 0;
        if (keep) return;
        if (Files.isDirectory(dir)) dev.whetstone.Folders.deleteTree(dir);
        onDisk.clear();
        diskBytes = 0;
    }
}
