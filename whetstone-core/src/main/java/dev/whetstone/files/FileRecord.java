package dev.whetstone.files;

/**
 * A stored file. {@code bytes} is null while unknown (an import still downloading); {@code blobKey} names
 * the content in the BlobStore and is null until the content is completely stored.
 *
 * @param statistics what validation found (null until validated, or for files that are not validated)
 */
public record FileRecord(
        String id,
        long createdAt,
        String filename,
        FilePurpose purpose,
        Long bytes,
        FileStatus status,
        String statusDetails,
        String sha256,
        String blobKey,
        FileStatistics statistics) {

    public FileRecord withStatus(FileStatus newStatus, String details, FileStatistics stats) {
        return new FileRecord(id, createdAt, filename, purpose, bytes, newStatus, details, sha256, blobKey, stats);
    }

    public FileRecord withContent(long size, String sha, String key) {
        return new FileRecord(id, createdAt, filename, purpose, size, status, statusDetails, sha, key, statistics);
    }
}
