package dev.whetstone.store.sql;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.whetstone.jobs.JobEvent;
import dev.whetstone.jobs.MetricsRow;
import dev.whetstone.store.JobEventStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * {@link JobEventStore} on {@code job_events} and {@code job_metrics}. Both need their job row (foreign keys)
 * and go when it is deleted. Event {@code data} is JSON text.
 */
public final class JdbiJobEventStore implements JobEventStore {
    private static final String COLUMNS = "id, job_id, created_at, seq, level, type, message, data";
    private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() {};
    private static final RowMapper<JobEvent> EVENT = (rs, ctx) -> new JobEvent(rs.getString("id"),
            rs.getString("job_id"), rs.getLong("created_at"), rs.getLong("seq"), rs.getString("level"),
            rs.getString("type"), rs.getString("message"),
            JsonColumns.read(rs.getString("data"), DATA, "job_events.data"));

    private final Jdbi jdbi;
    private final String lockJob;

    public JdbiJobEventStore(Database database) {
        this.jdbi = database.jdbi();
        this.lockJob = switch (database.dialect()) {
            case POSTGRES -> LOCK_JOB_POSTGRES;
            case SQLITE -> null; // the IMMEDIATE transaction already holds the database's write lock
        };
    }

    /*
     * Two appenders must not read the same MAX(seq). On PostgreSQL they serialise on the job row: NO KEY UPDATE
     * conflicts with itself but not with the KEY SHARE lock the foreign key check takes, nor with readers.
     */
    private static final String LOCK_JOB_POSTGRES = "SELECT id FROM jobs WHERE id = :jobId FOR NO KEY UPDATE";
    private static final String NEXT_SEQ = "SELECT COALESCE(MAX(seq), 0) + 1 FROM job_events WHERE job_id = :jobId";
    private static final String INSERT = "INSERT INTO job_events (" + COLUMNS + ") "
            + "VALUES (:id, :jobId, :createdAt, :seq, :level, :type, :message, :data)";

    /** Throws Jdbi's UnableToExecuteStatementException when the job does not exist or the id is taken. */
    @Override
    public JobEvent append(JobEvent event) {
        return jdbi.inTransaction(h -> {
            if (lockJob != null) h.createQuery(lockJob).bind("jobId", event.jobId()).mapTo(String.class).findOne();
            long seq = h.createQuery(NEXT_SEQ).bind("jobId", event.jobId()).mapTo(Long.class).one();
            JobEvent stored = new JobEvent(event.id(), event.jobId(), event.createdAt(), seq, event.level(),
                    event.type(), event.message(), event.data());
            h.createUpdate(INSERT)
                    .bind("id", stored.id()).bind("jobId", stored.jobId()).bind("createdAt", stored.createdAt())
                    .bind("seq", seq).bind("level", stored.level()).bind("type", stored.type())
                    .bind("message", stored.message()).bind("data", JsonColumns.write(stored.data()))
                    .execute();
            return stored;
        });
    }

    /* Keyset pagination on seq, unique within a job; an unknown `after` (or another job's) gives an empty page. */
    private static final String LIST_TEMPLATE = """
            SELECT %s FROM job_events
            WHERE job_id = :jobId
              AND (:after IS NULL OR seq %s (SELECT seq FROM job_events WHERE id = :after AND job_id = :jobId))
            ORDER BY seq %s
            LIMIT :limit""";
    private static final KeysetListing LIST = KeysetListing.of(LIST_TEMPLATE, COLUMNS);

    @Override
    public Page<JobEvent> list(String jobId, PageRequest page) {
        return LIST.page(jdbi, page, EVENT, q -> q.bind("jobId", jobId));
    }

    private static final String METRIC_COLUMNS = MetricsRow.COLUMNS.stream().map(MetricsRow.Column::name)
            .collect(Collectors.joining(", "));

    /** Column names are MetricsRow's metric names; bound by the same names. */
    private static final String PUT_METRICS = "INSERT INTO job_metrics (job_id, step, " + METRIC_COLUMNS + ") VALUES "
            + "(:jobId, :step, " + MetricsRow.COLUMNS.stream().map(c -> ":" + c.name()).collect(Collectors.joining(", "))
            + ") ON CONFLICT (job_id, step) DO UPDATE SET " + MetricsRow.COLUMNS.stream()
            .map(c -> c.name() + " = excluded." + c.name()).collect(Collectors.joining(", "));

    /** One statement, so a resumed run that repeats a step replaces the row atomically. */
    @Override
    public void putMetrics(String jobId, MetricsRow row) {
        jdbi.useHandle(h -> {
            var update = h.createUpdate(PUT_METRICS).bind("jobId", jobId).bind("step", row.step());
            row.allValues().forEach((name, value) -> update.bindByType(name, value, Double.class)); // typed, also null
            update.execute();
        });
    }

    private static final String METRICS = "SELECT step, " + METRIC_COLUMNS
            + " FROM job_metrics WHERE job_id = :jobId ORDER BY step";

    @Override
    public List<MetricsRow> metrics(String jobId) {
        return jdbi.withHandle(h -> h.createQuery(METRICS).bind("jobId", jobId)
                .map((rs, ctx) -> {
                    // SQLite stores NaN as NULL; MetricsRow reads NULL in an every-step column back as NaN.
                    Map<String, Double> values = new HashMap<>();
                    for (MetricsRow.Column c : MetricsRow.COLUMNS) values.put(c.name(), nullableDouble(rs, c.name()));
                    return MetricsRow.of(rs.getInt("step"), values::get);
                })
                .list());
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static final String DELETE_EVENTS = "DELETE FROM job_events WHERE job_id = :jobId";
    private static final String DELETE_METRICS = "DELETE FROM job_metrics WHERE job_id = :jobId";

    @Override
    public void deleteAll(String jobId) {
        jdbi.useTransaction(h -> {
            h.createUpdate(DELETE_EVENTS).bind("jobId", jobId).execute();
            h.createUpdate(DELETE_METRICS).bind("jobId", jobId).execute();
        });
    }
}
