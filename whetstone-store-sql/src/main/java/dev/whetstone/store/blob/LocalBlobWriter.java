package dev.whetstone.store.blob;

import dev.whetstone.store.BlobStore.BlobWriter;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** One write to a temp file, published by commit (fsync, atomic rename, fsync of the folder). Not thread-safe. */
final class LocalBlobWriter implements BlobWriter {
    private enum State { OPEN, COMMITTED, DISCARDED }

    private final String key;
    private final Path temp;
    private final Path target;
    private final Path objects;
    private final FileChannel channel;
    private final OutputStream out;
    private State state = State.OPEN;

    LocalBlobWriter(String key, Path temp, Path target, Path objects) throws IOException {
        this.key = key;
        this.temp = temp;
        this.target = target;
        this.objects = objects;
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
        this.out = new FlushOnClose(new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024));
    }

    /** Closing this stream only flushes: the blob ends with commit or close of the writer. */
    @Override
    public OutputStream out() { return out; }

    @Override
    public long commit() throws IOException {
        if (state == State.COMMITTED) throw new IllegalStateException("blob '" + key + "' is already committed");
        if (state == State.DISCARDED) throw new IOException("blob '" + key + "' was closed before commit");
        out.flush();
        channel.force(true);
        long size = channel.size();
        channel.close();
        Path folder = target.getParent();
        createFoldersDurably(folder);
        // rename(2): atomic, and it replaces an existing blob of the same key in one step.
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        fsyncFolder(folder);
        state = State.COMMITTED;
        return size;
    }

    @Override
    public void close() throws IOException {
        if (state != State.OPEN) return;
        state = State.DISCARDED;
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Creates missing folders up from the objects root, fsyncing each new entry's parent so it survives a crash. */
    private void createFoldersDurably(Path folder) throws IOException {
        if (Files.isDirectory(folder)) return;
        if (folder.equals(objects)) throw new IOException("the blob folder " + objects + " is missing");
        createFoldersDurably(folder.getParent());
        try {
            Files.createDirectory(folder);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(folder)) {
                throw new IOException("Blob key '" + key + "' needs the folder '" + objects.relativize(folder)
                        + "', but a blob has that name; choose keys that are not prefixes of other keys.", e);
            }
        }
        fsyncFolder(folder.getParent());
    }

    /** POSIX makes a new or renamed directory entry durable only once the directory itself is fsynced. */
    private static void fsyncFolder(Path folder) throws IOException {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static final class FlushOnClose extends FilterOutputStream {
        FlushOnClose(OutputStream out) { super(out); }

        @Override
        public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }

        @Override
        public void close() throws IOException { flush(); }
    }
}
