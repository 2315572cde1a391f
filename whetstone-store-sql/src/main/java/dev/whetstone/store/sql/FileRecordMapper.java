package dev.whetstone.store.sql;

import dev.whetstone.files.FilePurpose;
import dev.whetstone.files.FileRecord;
import dev.whetstone.files.FileStatistics;
import dev.whetstone.files.FileStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Maps a {@code files} row (the columns JdbiFileStore selects) to a FileRecord. */
final class FileRecordMapper implements RowMapper<FileRecord> {
    static final FileRecordMapper INSTANCE = new FileRecordMapper();

    private FileRecordMapper() {}

    @Override
    public FileRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
        String id = rs.getString("id");
        String purpose = rs.getString("purpose");
        return new FileRecord(
                id,
                rs.getLong("created_at"),
                rs.getString("filename"),
                FilePurpose.fromWire(purpose).orElseThrow(() -> new IllegalStateException("files row '" + id
                        + "' has unknown purpose '" + purpose + "'; was it written by a newer Whetstone?")),
                nullableLong(rs, "bytes"),
                FileStatus.fromWire(rs.getString("status")),
                rs.getString("status_details"),
                rs.getString("sha256"),
                rs.getString("blob_key"),
                statistics(rs));
    }

    private static FileStatistics statistics(ResultSet rs) throws SQLException {
        Long examples = nullableLong(rs, "stats_examples");
        if (examples == null) return null;
        Long tokens = nullableLong(rs, "stats_estimated_tokens");
        Long imageParts = nullableLong(rs, "stats_image_parts");
        return new FileStatistics(rs.getString("stats_format"), examples, tokens == null ? 0 : tokens, imageParts,
                imageParts == null ? null : nullableLong(rs, "stats_first_image_line"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
