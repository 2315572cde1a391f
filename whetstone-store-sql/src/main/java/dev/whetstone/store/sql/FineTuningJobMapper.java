package dev.whetstone.store.sql;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.whetstone.engine.ResolvedHyperparameters;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobError;
import dev.whetstone.jobs.JobIntegration;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.safety.SafetyEvaluation;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Maps a {@code jobs} row (the columns JdbiJobStore selects) to a FineTuningJob. */
final class FineTuningJobMapper implements RowMapper<FineTuningJob> {
    static final FineTuningJobMapper INSTANCE = new FineTuningJobMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<LinkedHashMap<String, String>> PAIRS = new TypeReference<>() {};
    private static final TypeReference<List<JobIntegration>> INTEGRATIONS = new TypeReference<>() {};

    private FineTuningJobMapper() {}

    @Override
    public FineTuningJob map(ResultSet rs, StatementContext ctx) throws SQLException {
        List<String> resultFiles = JsonColumns.read(rs.getString("result_files"), STRINGS, "jobs.result_files");
        return new FineTuningJob(
                rs.getString("id"),
                rs.getLong("created_at"),
                JobStatus.fromWire(rs.getString("status")),
                rs.getString("model"),
                rs.getString("training_file"),
                rs.getString("validation_file"),
                rs.getString("suffix"),
                rs.getLong("seed"),
                JsonColumns.read(rs.getString("hyperparameters"), TrainingSpec.Hyperparameters.class,
                        "jobs.hyperparameters"),
                JsonColumns.read(rs.getString("resolved_hyperparameters"), ResolvedHyperparameters.class,
                        "jobs.resolved_hyperparameters"),
                JsonColumns.read(rs.getString("method"), TrainingSpec.Method.class, "jobs.method"),
                rs.getString("fine_tuned_model"),
                resultFiles == null ? List.of() : resultFiles,
                nullableLong(rs, "trained_tokens"),
                nullableLong(rs, "finished_at"),
                nullableLong(rs, "estimated_finish"),
                JsonColumns.read(rs.getString("error"), JobError.class, "jobs.error"),
                rs.getInt("version"),
                rs.getString("lease_owner"),
                nullableLong(rs, "lease_expires_at"),
                rs.getBoolean("cancel_requested"),
                rs.getBoolean("pause_requested"),
                JsonColumns.read(rs.getString("safety_evaluation"), SafetyEvaluation.class, "jobs.safety_evaluation"),
                JsonColumns.read(rs.getString("metadata"), PAIRS, "jobs.metadata"),
                JsonColumns.read(rs.getString("integrations"), INTEGRATIONS, "jobs.integrations"));
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
