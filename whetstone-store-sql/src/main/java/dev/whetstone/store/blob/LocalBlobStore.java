package dev.whetstone.store.blob;

import dev.whetstone.store.BlobKeys;
import dev.whetstone.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in a local folder: blob {@code a/b} is the file {@code <root>/objects/a/b}. Writes go
 * to {@code <root>/tmp/}, are fsynced, renamed into place atomically, and the folder is fsynced, so a reader
 * sees the whole old blob or the whole new one, and a crash leaves at most a temp file for
 * {@link #cleanUpIncomplete()}. Thread-safe. For one process per root: several processes need a shared store.
 */
public final class LocalBlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(LocalBlobStore.class);

    private final Path objects;
    private final Path tmp;

    private LocalBlobStore(Path objects, Path tmp) {
        this.objects = objects;
        this.tmp = tmp;
    }

    /** Opens (creating if needed) the store under {@code root}. */
    public static LocalBlobStore open(Path root) throws IOException {
        Path objects = Files.createDirectories(root.resolve("objects"));
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        return new LocalBlobStore(objects.toAbsolutePath(), tmp.toAbsolutePath());
    }

    @Override
    public BlobWriter create(String key) throws IOException {
        Path target = pathOf(key);
        return new LocalBlobWriter(key, Files.createTempFile(tmp, "blob-", ".part"), target, objects);
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        Path path = pathOf(key);
        if (!isBlob(path)) return Optional.empty();
        try {
            return Optional.of(Files.newInputStream(path));
        } catch (NoSuchFileException deletedMeanwhile) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(pathOf(key), BasicFileAttributes.class);
            return attributes.isRegularFile() ? Optional.of(attributes.size()) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Deletes the blob; folders that become empty are left (harmless, and reused by later keys). */
    @Override
    public boolean delete(String key) throws IOException {
        Path path = pathOf(key);
        return isBlob(path) && Files.deleteIfExists(path);
    }

    /** Both folders must still exist and be writable: a lost mount or a full re-permissioning is not ready. */
    @Override
    public void checkReachable() throws IOException {
        for (Path folder : new Path[] {objects, tmp}) {
            if (!Files.isDirectory(folder) || !Files.isWritable(folder)) {
                throw new IOException("the blob folder " + folder.getFileName() + " is missing or not writable");
            }
        }
    }

    /** Deletes every temp file. Only at start-up: a write in progress would lose its temp file. */
    @Override
    public void cleanUpIncomplete() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tmp)) {
            for (Path temp : temps) {
                if (Files.deleteIfExists(temp)) removed++;
            }
        }
        if (removed > 0) log.info("Removed {} incomplete blob write(s) left in {}", removed, tmp);
    }

    /** The folder of temp files (tests count stray files in it). */
    Path tempDirectory() { return tmp; }

    private Path pathOf(String key) {
        return objects.resolve(BlobKeys.requireValid(key));
    }

    private static boolean isBlob(Path path) {
        return Files.isRegularFile(path);
    }
}
