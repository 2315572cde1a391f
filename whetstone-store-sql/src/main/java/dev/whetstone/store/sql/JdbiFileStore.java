package dev.whetstone.store.sql;

import dev.whetstone.files.FilePurpose;
import dev.whetstone.files.FileRecord;
import dev.whetstone.files.FileStatistics;
import dev.whetstone.files.FileStatus;
import dev.whetstone.store.FileStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * {@link FileStore} on the {@code files} table. Each statement is one auto-committed SQL statement, so no
 * method holds a transaction open. Enums are stored by their wire names.
 */
public final class JdbiFileStore implements FileStore {
    private static final String COLUMNS = "id, created_at, filename, purpose, bytes, status, status_details, "
            + "sha256, blob_key, stats_format, stats_examples, stats_estimated_tokens, stats_image_parts, stats_first_image_line";

    private final Jdbi jdbi;

    public JdbiFileStore(Database database) {
        this.jdbi = database.jdbi();
    }

    private static final String INSERT = """
            INSERT INTO files (id, created_at, filename, purpose, bytes, status, status_details, sha256, blob_key,
                               stats_format, stats_examples, stats_estimated_tokens, stats_image_parts,
                               stats_first_image_line)
            VALUES (:id, :createdAt, :filename, :purpose, :bytes, :status, :statusDetails, :sha256, :blobKey,
                    :statsFormat, :statsExamples, :statsEstimatedTokens, :statsImageParts, :statsFirstImageLine)""";

    /** Throws Jdbi's UnableToExecuteStatementException when the id exists. */
    @Override
    public void insert(FileRecord file) {
        FileStatistics stats = file.statistics();
        jdbi.useHandle(h -> h.createUpdate(INSERT)
                .bind("id", file.id())
                .bind("createdAt", file.createdAt())
                .bind("filename", file.filename())
                .bind("purpose", file.purpose().wireName())
                .bind("bytes", file.bytes())
                .bind("status", file.status().wireName())
                .bind("statusDetails", file.statusDetails())
                .bind("sha256", file.sha256())
                .bind("blobKey", file.blobKey())
                .bind("statsFormat", stats == null ? null : stats.format())
                .bind("statsExamples", stats == null ? null : stats.examples())
                .bind("statsEstimatedTokens", stats == null ? null : stats.estimatedTokens())
                .bind("statsImageParts", stats == null ? null : stats.imageParts())
                .bind("statsFirstImageLine", stats == null ? null : stats.firstImageLine())
                .execute());
    }

    private static final String FIND = "SELECT " + COLUMNS + " FROM files WHERE id = :id AND status <> 'deleted'";

    @Override
    public Optional<FileRecord> find(String id) {
        return jdbi.withHandle(h -> h.createQuery(FIND).bind("id", id).map(FileRecordMapper.INSTANCE).findOne());
    }

    /*
     * Keyset pagination: rows strictly after the cursor row's (created_at, id) in the requested direction.
     * The cursor is looked up among all rows, deleted-status ones included; when no row has the `after` id the
     * row-value comparison is NULL and the page is empty. One extra row is fetched to learn hasMore.
     */
    private static final String LIST_TEMPLATE = """
            SELECT %s FROM files
            WHERE status <> 'deleted'
              AND (:purpose IS NULL OR purpose = :purpose)
              AND (:after IS NULL OR (created_at, id) %s (SELECT created_at, id FROM files WHERE id = :after))
            ORDER BY created_at %s, id %3$s
            LIMIT :limit""";
    private static final KeysetListing LIST = KeysetListing.of(LIST_TEMPLATE, COLUMNS);

    @Override
    public Page<FileRecord> list(FilePurpose purpose, PageRequest page) {
        String wireName = purpose == null ? null : purpose.wireName();
        return LIST.page(jdbi, page, FileRecordMapper.INSTANCE, q -> q.bind("purpose", wireName));
    }

    private static final String UPDATE_STATUS = """
            UPDATE files
            SET status = :status, status_details = :details,
                stats_format = :statsFormat, stats_examples = :statsExamples, stats_estimated_tokens = :statsTokens,
                stats_image_parts = :statsImageParts, stats_first_image_line = :statsFirstImageLine
            WHERE id = :id AND status = :expected""";

    /** Replaces status, details and statistics together, only while the status is still {@code expected}. */
    @Override
    public boolean updateStatus(
            String id, FileStatus expected, FileStatus status, String details, FileStatistics stats) {
        return jdbi.withHandle(h -> h.createUpdate(UPDATE_STATUS)
                .bind("id", id)
                .bind("expected", expected.wireName())
                .bind("status", status.wireName())
                .bind("details", details)
                .bind("statsFormat", stats == null ? null : stats.format())
                .bind("statsExamples", stats == null ? null : stats.examples())
                .bind("statsTokens", stats == null ? null : stats.estimatedTokens())
                .bind("statsImageParts", stats == null ? null : stats.imageParts())
                .bind("statsFirstImageLine", stats == null ? null : stats.firstImageLine())
                .execute()) == 1;
    }

    private static final String UPDATE_CONTENT =
            "UPDATE files SET bytes = :bytes, sha256 = :sha256, blob_key = :blobKey WHERE id = :id";

    /** Does nothing when the record is gone: a file deleted while its import finished stays deleted. */
    @Override
    public void updateContent(String id, long bytes, String sha256, String blobKey) {
        jdbi.useHandle(h -> h.createUpdate(UPDATE_CONTENT)
                .bind("id", id).bind("bytes", bytes).bind("sha256", sha256).bind("blobKey", blobKey)
                .execute());
    }

    private static final String DELETE = "DELETE FROM files WHERE id = :id";

    @Override
    public boolean delete(String id) {
        return jdbi.withHandle(h -> h.createUpdate(DELETE).bind("id", id).execute()) > 0;
    }

    private static final String UNFINISHED = "SELECT " + COLUMNS
            + " FROM files WHERE status IN ('pending', 'running') ORDER BY created_at, id";

    @Override
    public List<FileRecord> unfinished() {
        return jdbi.withHandle(h -> h.createQuery(UNFINISHED).map(FileRecordMapper.INSTANCE).list());
    }
}
