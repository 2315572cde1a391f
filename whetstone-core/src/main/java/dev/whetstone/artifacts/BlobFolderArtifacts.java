package dev.whetstone.artifacts;

import dev.whetstone.Folders;
import dev.whetstone.Ids;
import dev.whetstone.store.BlobKeys;
import dev.whetstone.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folders in the object store, for processes that share no disk. A published folder is its files as blobs
 * ({@code <key>/<version>/<index>}) plus {@code <key>/manifest.json} (paths, sizes, SHA-256s), committed last: a
 * crash mid-publish leaves only blobs no manifest names, so nothing is visible. Republishing writes a new version
 * and deletes the old one's blobs after the new manifest is committed. Readers get folders through the
 * {@link FolderCache}, keyed by the manifest's content hash; every downloaded file is checked against its size and
 * SHA-256, so a corrupted or truncated blob is an error, never a wrong folder.
 */
public final class BlobFolderArtifacts implements ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(BlobFolderArtifacts.class);

    private final BlobStore blobs;
    private final FolderCache cache;

    public BlobFolderArtifacts(BlobStore blobs, FolderCache cache) {
        this.blobs = blobs;
        this.cache = cache;
    }

    public FolderCache cache() { return cache; }

    @Override
    public void publish(String key, Path folder) throws IOException {
        BlobKeys.requireValid(key);
        Optional<Manifest> old = manifest(key);
        String version = Ids.newId("v-");
        List<Path> files;
        try (Stream<Path> all = Files.walk(folder)) {
            files = all.filter(Files::isRegularFile).sorted().toList();
        }
        List<Manifest.Entry> entries = new ArrayList<>();
        for (Path f : files) entries.add(new Manifest.Entry(folder.relativize(f).toString().replace('\\', '/'), 0, ""));
        // the manifest sorts by path; upload in that order so index i is the manifest's file i
        List<Manifest.Entry> sorted = new Manifest(version, entries).files();
        List<Manifest.Entry> uploaded = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            Path file = folder.resolve(sorted.get(i).path());
            MessageDigest sha = Manifest.sha256();
            long size;
            try (BlobStore.BlobWriter w = blobs.create(key + "/" + version + "/" + i);
                 InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                in.transferTo(w.out());
                size = w.commit();
            }
            uploaded.add(new Manifest.Entry(sorted.get(i).path(), size, HexFormat.of().formatHex(sha.digest())));
        }
        Manifest manifest = new Manifest(version, uploaded);
        try (BlobStore.BlobWriter w = blobs.create(Manifest.manifestKey(key))) {
            w.out().write(manifest.toJson());
            w.commit();
        }
        old.ifPresent(m -> deleteFiles(key, m));
    }

    @Override
    public boolean exists(String key) throws IOException {
        return manifest(key).isPresent();
    }

    @Override
    public Checkout checkout(String key) throws IOException {
        Manifest m = require(key);
        try {
            return cache.acquire(m.contentHash(), tmp -> download(key, m, tmp));
        } catch (NoSuchFileException e) {
            // republished between reading the manifest and fetching its files: the new version is complete, use it
            Manifest again = require(key);
            if (again.version().equals(m.version())) throw e;
            return cache.acquire(again.contentHash(), tmp -> download(key, again, tmp));
        }
    }

    @Override
    public void copyTo(String key, Path target) throws IOException {
        Manifest m = require(key);
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".download-");
        try {
            download(key, m, tmp);
            Folders.deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Folders.deleteTree(tmp);
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        Optional<Manifest> m = manifest(key);
        if (m.isEmpty()) return false;
        blobs.delete(Manifest.manifestKey(key)); // invisible first; the files after
        deleteFiles(key, m.get());
        return true;
    }

    /** The committed manifest under {@code key}, if any. */
    public Optional<Manifest> manifest(String key) throws IOException {
        Optional<InputStream> in = blobs.open(Manifest.manifestKey(BlobKeys.requireValid(key)));
        if (in.isEmpty()) return Optional.empty();
        try (InputStream s = in.get()) {
            return Optional.of(Manifest.read(s));
        }
    }

    private Manifest require(String key) throws IOException {
        return manifest(key).orElseThrow(() -> new NoSuchFileException(key, null, "nothing is published under this key"));
    }

    /** Downloads every file of {@code m} into {@code dir}, checking each one's size and SHA-256. */
    private void download(String key, Manifest m, Path dir) throws IOException {
        for (int i = 0; i < m.files().size(); i++) {
            Manifest.Entry e = m.files().get(i);
            String blob = m.blobKey(key, i);
            Path to = dir.resolve(e.path()).normalize();
            if (!to.startsWith(dir)) throw new IOException("artifact file '" + e.path() + "' escapes its folder");
            Files.createDirectories(to.getParent());
            MessageDigest sha = Manifest.sha256();
            long size;
            try (InputStream in = blobs.open(blob).orElseThrow(() -> new NoSuchFileException(blob, null,
                    "a file of the published folder '" + key + "' is missing"));
                 OutputStream out = Files.newOutputStream(to)) {
                size = new DigestInputStream(in, sha).transferTo(out);
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (size != e.size() || !got.equals(e.sha256())) {
                throw new IOException("artifact file '" + e.path() + "' of '" + key + "' is corrupted: expected "
                        + e.size() + " bytes with SHA-256 " + e.sha256() + ", got " + size + " bytes with " + got);
            }
        }
    }

    private void deleteFiles(String key, Manifest m) {
        for (int i = 0; i < m.files().size(); i++) {
            try {
                blobs.delete(m.blobKey(key, i));
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not delete blob {}: {}", m.blobKey(key, i), e.toString());
            }
        }
    }
}
