package dev.whetstone.store.sql;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.store.CheckpointStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * {@link CheckpointStore} on the {@code checkpoints} table. A checkpoint needs its job row (foreign key) and
 * goes when the job is deleted. Metrics are a JSON object.
 */
public final class JdbiCheckpointStore implements CheckpointStore {
    private static final String COLUMNS = "id, job_id, created_at, step_number, fine_tuned_model_checkpoint, metrics, dir";
    private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() {};
    private static final RowMapper<Checkpoint> CHECKPOINT = (rs, ctx) -> new Checkpoint(rs.getString("id"),
            rs.getString("job_id"), rs.getLong("created_at"), rs.getInt("step_number"),
            rs.getString("fine_tuned_model_checkpoint"),
            JsonColumns.read(rs.getString("metrics"), METRICS, "checkpoints.metrics"), rs.getString("dir"));

    private final Jdbi jdbi;

    public JdbiCheckpointStore(Database database) {
        this.jdbi = database.jdbi();
    }

    private static final String INSERT = "INSERT INTO checkpoints (" + COLUMNS + ") "
            + "VALUES (:id, :jobId, :createdAt, :step, :name, :metrics, :dir)";

    /** Throws Jdbi's UnableToExecuteStatementException when the id exists or the job does not. */
    @Override
    public void insert(Checkpoint checkpoint) {
        jdbi.useHandle(h -> h.createUpdate(INSERT)
                .bind("id", checkpoint.id())
                .bind("jobId", checkpoint.jobId())
                .bind("createdAt", checkpoint.createdAt())
                .bind("step", checkpoint.stepNumber())
                .bind("name", checkpoint.fineTunedModelCheckpoint())
                .bind("metrics", JsonColumns.write(checkpoint.metrics()))
                .bind("dir", checkpoint.dir())
                .execute());
    }

    /* Keyset pagination on (step_number, id) within the job; an unknown `after` gives an empty page. */
    private static final String LIST_TEMPLATE = """
            SELECT %s FROM checkpoints
            WHERE job_id = :jobId
              AND (:after IS NULL OR (step_number, id) %s
                   (SELECT step_number, id FROM checkpoints WHERE id = :after AND job_id = :jobId))
            ORDER BY step_number %s, id %3$s
            LIMIT :limit""";
    private static final KeysetListing LIST = KeysetListing.of(LIST_TEMPLATE, COLUMNS);

    @Override
    public Page<Checkpoint> list(String jobId, PageRequest page) {
        return LIST.page(jdbi, page, CHECKPOINT, q -> q.bind("jobId", jobId));
    }

    private static final String ALL = "SELECT " + COLUMNS + " FROM checkpoints WHERE job_id = :jobId "
            + "ORDER BY step_number, id";

    @Override
    public List<Checkpoint> all(String jobId) {
        return jdbi.withHandle(h -> h.createQuery(ALL).bind("jobId", jobId).map(CHECKPOINT).list());
    }

    /* Ids (ftchkpt-…) and names (<model>:ckpt-step-<N>) cannot collide; an id match wins regardless. */
    private static final String FIND = "SELECT " + COLUMNS + """
             FROM checkpoints
            WHERE id = :key OR fine_tuned_model_checkpoint = :key
            ORDER BY CASE WHEN id = :key THEN 0 ELSE 1 END, created_at, id
            LIMIT 1""";

    @Override
    public Optional<Checkpoint> find(String idOrName) {
        return jdbi.withHandle(h -> h.createQuery(FIND).bind("key", idOrName).map(CHECKPOINT).findOne());
    }

    private static final String DELETE = "DELETE FROM checkpoints WHERE id = :id";

    @Override
    public boolean delete(String id) {
        return jdbi.withHandle(h -> h.createUpdate(DELETE).bind("id", id).execute()) > 0;
    }
}
