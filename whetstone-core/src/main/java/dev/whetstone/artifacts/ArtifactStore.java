package dev.whetstone.artifacts;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where job artifacts (checkpoints, resume points, final models and adapters) and registered base models live, by
 * key: the folder's path relative to the data folder ({@code jobs/<job id>/checkpoints/step-5}), the form stored
 * paths already have (docs/architecture.md, "Artifacts"). Two implementations: {@link DataDirArtifacts} (one
 * machine: the data folder is the store, nothing is copied) and {@link BlobFolderArtifacts} (several machines: the
 * object store holds every folder, each process reads through its own {@link FolderCache}).
 */
public interface ArtifactStore {
    /**
     * Makes {@code folder}'s files readable under {@code key} by every process sharing this store, replacing what
     * was there; all or nothing: a reader sees the old folder or the new one whole, never a mix.
     */
    void publish(String key, Path folder) throws IOException;

    /** Whether a complete folder is published under {@code key}. */
    boolean exists(String key) throws IOException;

    /**
     * A local, read-only folder holding {@code key}'s files, kept (not evicted) until the checkout is closed.
     *
     * @throws java.nio.file.NoSuchFileException when nothing is published under {@code key} (the data folder
     *                                           returns the path as it is: its reader reports a missing folder)
     */
    Checkout checkout(String key) throws IOException;

    /**
     * Puts a private, writable copy of {@code key}'s files at {@code target} (replaced whole), for state the reader
     * goes on changing: a resume point the trainer continues from. Nothing is copied where {@code target} already is
     * the published folder.
     *
     * @throws java.nio.file.NoSuchFileException when nothing is published under {@code key}
     */
    void copyTo(String key, Path target) throws IOException;

    /** Removes the folder under {@code key}; false when there was none. */
    boolean delete(String key) throws IOException;

    /**
     * Whether published folders are the local folders themselves (one machine: the data folder is the store). When
     * not, a worker's local copies are scratch: it starts each run from the store and deletes them afterwards.
     */
    default boolean inPlace() { return false; }

    /** A local folder with a published folder's files, pinned while open. */
    interface Checkout extends AutoCloseable {
        Path dir();

        @Override
        void close();
    }
}
