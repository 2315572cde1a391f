package dev.whetstone.artifacts;

import dev.whetstone.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * One machine's store: the data folder itself. A key is the folder's path under the data folder (an absolute stored
 * path, from before keys, stays as it is), so the worker's own work folder already is the published folder and
 * publishing it copies nothing; checkouts are the folders themselves. This is today's single-machine layout, unchanged.
 */
public final class DataDirArtifacts implements ArtifactStore {
    private final Path dataDir;

    public DataDirArtifacts(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** The folder a key names. */
    public Path folder(String key) { return dataDir.resolve(key).normalize(); }

    @Override
    public void publish(String key, Path folder) throws IOException {
        Path target = folder(key);
        if (target.equals(folder.toAbsolutePath().normalize())) return;
        copyTree(folder, target);
    }

    @Override
    public boolean inPlace() { return true; }

    @Override
    public boolean exists(String key) { return Files.isDirectory(folder(key)); }

    /** The folder itself, as stored paths always resolved here; a missing one is reported by whoever reads it. */
    @Override
    public Checkout checkout(String key) {
        Path dir = folder(key);
        return new Checkout() {
            @Override public Path dir() { return dir; }
            @Override public void close() { }
        };
    }

    @Override
    public void copyTo(String key, Path target) throws IOException {
        Path source = folder(key);
        if (source.equals(target.toAbsolutePath().normalize())) return;
        if (!Files.isDirectory(source)) throw new NoSuchFileException(key, null, "no artifact folder under this key");
        copyTree(source, target);
    }

    @Override
    public boolean delete(String key) {
        Path dir = folder(key);
        if (!Files.exists(dir)) return false;
        Folders.deleteTree(dir);
        return true;
    }

    /** Copies into a sibling temp folder, then renames it over {@code target}, so the copy appears whole. */
    static void copyTree(Path source, Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".copy-");
        try {
            try (Stream<Path> all = Files.walk(source)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    Path to = tmp.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(to);
                    else Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Folders.deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Folders.deleteTree(tmp);
        }
    }
}
