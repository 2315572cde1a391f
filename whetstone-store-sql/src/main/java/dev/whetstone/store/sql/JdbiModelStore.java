package dev.whetstone.store.sql;

import dev.whetstone.models.FineTunedModel;
import dev.whetstone.safety.SafetyCheck;
import dev.whetstone.store.ModelStore;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * {@link ModelStore} on the {@code models} table. A model outlives its job record: {@code job_id} is a plain
 * column, not a foreign key.
 */
public final class JdbiModelStore implements ModelStore {
    private static final String COLUMNS = "id, created_at, base_model, job_id, dir, status, evaluation";
    private static final RowMapper<FineTunedModel> MODEL = (rs, ctx) -> new FineTunedModel(rs.getString("id"),
            rs.getLong("created_at"), rs.getString("base_model"), rs.getString("job_id"), rs.getString("dir"),
            rs.getString("status"), JsonColumns.read(rs.getString("evaluation"), SafetyCheck.class, "models.evaluation"));

    private final Jdbi jdbi;

    public JdbiModelStore(Database database) {
        this.jdbi = database.jdbi();
    }

    private static final String INSERT = "INSERT INTO models (" + COLUMNS + ") "
            + "VALUES (:id, :createdAt, :baseModel, :jobId, :dir, :status, :evaluation)";

    /** Throws Jdbi's UnableToExecuteStatementException when the id exists. */
    @Override
    public void insert(FineTunedModel model) {
        jdbi.useHandle(h -> h.createUpdate(INSERT)
                .bind("id", model.id())
                .bind("createdAt", model.createdAt())
                .bind("baseModel", model.baseModel())
                .bind("jobId", model.jobId())
                .bind("dir", model.dir())
                .bind("status", model.status())
                .bind("evaluation", JsonColumns.write(model.evaluation()))
                .execute());
    }

    private static final String FIND = "SELECT " + COLUMNS + " FROM models WHERE id = :id";

    @Override
    public Optional<FineTunedModel> find(String id) {
        return jdbi.withHandle(h -> h.createQuery(FIND).bind("id", id).map(MODEL).findOne());
    }

    private static final String LIST = "SELECT " + COLUMNS + " FROM models ORDER BY created_at, id";

    @Override
    public List<FineTunedModel> list() {
        return jdbi.withHandle(h -> h.createQuery(LIST).map(MODEL).list());
    }

    private static final String DELETE = "DELETE FROM models WHERE id = :id";

    @Override
    public boolean delete(String id) {
        return jdbi.withHandle(h -> h.createUpdate(DELETE).bind("id", id).execute()) > 0;
    }
}
