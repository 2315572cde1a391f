package dev.whetstone.store;

import dev.whetstone.files.FilePurpose;
import dev.whetstone.files.FileRecord;
import dev.whetstone.files.FileStatistics;
import dev.whetstone.files.FileStatus;
import java.util.Optional;

/** File metadata. Records marked {@link FileStatus#DELETED} are invisible to find and list. */
public interface FileStore {
    void insert(FileRecord file);

    Optional<FileRecord> find(String id);

    /** Lists visible files, optionally of one purpose; ordered by (created_at, id). */
    Page<FileRecord> list(FilePurpose purpose, PageRequest page);

    /**
     * Moves a file to {@code status} only if it is currently in {@code expected}; returns whether it did.
     * The compare-and-set keeps a late validator from resurrecting a file deleted meanwhile.
     */
    boolean updateStatus(String id, FileStatus expected, FileStatus status, String details, FileStatistics stats);

    /** Sets size, hash and blob key once the content is completely stored (imports). */
    void updateContent(String id, long bytes, String sha256, String blobKey);

    /** Removes the record; returns false if there was none. */
    boolean delete(String id);

    /** Files left in pending/running by a crash, to be validated again at start-up. */
    java.util.List<FileRecord> unfinished();
}
