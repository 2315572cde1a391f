package dev.whetstone.store.sql;

import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobFilter;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.store.JobStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * {@link JobStore} on the {@code jobs} table, and the job queue. Every change bumps {@code version}, so a
 * read-modify-write caller notices anything that happened in between. JSON-shaped fields are JSON text;
 * the status is stored by its wire name.
 */
public final class JdbiJobStore implements JobStore {
    static final String COLUMNS = "id, created_at, status, model, training_file, validation_file, suffix, seed, "
            + "hyperparameters, resolved_hyperparameters, method, fine_tuned_model, result_files, trained_tokens, "
            + "finished_at, estimated_finish, error, version, lease_owner, lease_expires_at, cancel_requested, "
            + "pause_requested, safety_evaluation, metadata, integrations";
    /** Status lists derived from JobStatus, so the SQL cannot drift from the domain's definition. */
    private static final String TERMINAL = statuses(JobStatus::isTerminal);

    private final Jdbi jdbi;
    private final JobClaims claims;
    private final Database.Dialect dialect;

    public JdbiJobStore(Database database) {
        this.jdbi = database.jdbi();
        this.dialect = database.dialect();
        this.claims = new JobClaims(database.dialect());
    }

    private static String statuses(Predicate<JobStatus> which) {
        return Arrays.stream(JobStatus.values()).filter(which)
                .map(s -> "'" + s.wireName() + "'").collect(Collectors.joining(", "));
    }

    private static final String INSERT = "INSERT INTO jobs (" + COLUMNS + ") VALUES (:id, :createdAt, :status, "
            + ":model, :trainingFile, :validationFile, :suffix, :seed, :hyperparameters, :resolved, :method, "
            + ":fineTunedModel, :resultFiles, :trainedTokens, :finishedAt, :estimatedFinish, :error, :version, "
            + ":leaseOwner, :leaseExpiresAt, :cancelRequested, :pauseRequested, :safetyEvaluation, :metadata, :integrations)";

    /** Throws Jdbi's UnableToExecuteStatementException when the id exists. */
    @Override
    public void insert(FineTuningJob job) {
        // Metadata and integrations are set at creation only; updates leave them as they are.
        jdbi.useHandle(h -> bindJob(h.createUpdate(INSERT), job).bind("version", job.version())
                .bind("metadata", JsonColumns.write(job.metadata()))
                .bind("integrations", job.integrations().isEmpty() ? null : JsonColumns.write(job.integrations()))
                .execute());
    }

    private static <S extends SqlStatement<S>> S bindJob(S statement, FineTuningJob job) {
        return statement
                .bind("id", job.id())
                .bind("createdAt", job.createdAt())
                .bind("status", job.status().wireName())
                .bind("model", job.model())
                .bind("trainingFile", job.trainingFile())
                .bind("validationFile", job.validationFile())
                .bind("suffix", job.suffix())
                .bind("seed", job.seed())
                .bind("hyperparameters", JsonColumns.write(job.requested()))
                .bind("resolved", JsonColumns.write(job.resolved()))
                .bind("method", JsonColumns.write(job.method()))
                .bind("fineTunedModel", job.fineTunedModel())
                .bind("resultFiles", JsonColumns.write(job.resultFiles()))
                .bind("trainedTokens", job.trainedTokens())
                .bind("finishedAt", job.finishedAt())
                .bind("estimatedFinish", job.estimatedFinish())
                .bind("error", JsonColumns.write(job.error()))
                .bind("leaseOwner", job.leaseOwner())
                .bind("leaseExpiresAt", job.leaseExpiresAt())
                .bind("cancelRequested", job.cancelRequested())
                .bind("pauseRequested", job.pauseRequested())
                .bind("safetyEvaluation", JsonColumns.write(job.safetyEvaluation()));
    }

    private static final String FIND = "SELECT " + COLUMNS + " FROM jobs WHERE id = :id";

    @Override
    public Optional<FineTuningJob> find(String id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    static Optional<FineTuningJob> find(Handle h, String id) {
        return h.createQuery(FIND).bind("id", id).map(FineTuningJobMapper.INSTANCE).findOne();
    }

    /*
     * Keyset pagination as in JdbiFileStore: an unknown `after` makes the comparison NULL, so the page is empty.
     * The cursor job is looked up among all jobs, so a cursor the filter would drop still marks the place.
     * {filter} is the metadata filter: "" or conditions that start with AND.
     */
    private static final String LIST_TEMPLATE = """
            SELECT %s FROM jobs
            WHERE (:after IS NULL OR (created_at, id) %s (SELECT created_at, id FROM jobs WHERE id = :after)){filter}
            ORDER BY created_at %s, id %3$s
            LIMIT :limit""";
    private static final KeysetListing LIST = listing("");

    private static KeysetListing listing(String filter) {
        return KeysetListing.of(LIST_TEMPLATE.replace("{filter}", filter), COLUMNS);
    }

    @Override
    public Page<FineTuningJob> list(PageRequest page, JobFilter filter) {
        if (filter.withoutMetadata()) return listing(" AND metadata IS NULL").page(jdbi, page, FineTuningJobMapper.INSTANCE, q -> q);
        if (filter.metadataEquals().isEmpty()) return LIST.page(jdbi, page, FineTuningJobMapper.INSTANCE, q -> q);
        // One condition per pair, keys and values bound (never spliced): the JSON column read by each engine's own
        // JSON functions, which is why this differs by dialect.
        List<Map.Entry<String, String>> pairs = List.copyOf(filter.metadataEquals().entrySet());
        StringBuilder conditions = new StringBuilder();
        for (int i = 0; i < pairs.size(); i++) {
            conditions.append(switch (dialect) {
                case SQLITE -> " AND EXISTS (SELECT 1 FROM json_each(jobs.metadata) m WHERE m.key = :mk" + i
                        + " AND m.value = :mv" + i + ")";
                case POSTGRES -> " AND (CAST(metadata AS jsonb) ->> :mk" + i + ") = :mv" + i;
            });
        }
        return listing(conditions.toString()).page(jdbi, page, FineTuningJobMapper.INSTANCE, q -> {
            for (int i = 0; i < pairs.size(); i++) {
                q.bind("mk" + i, pairs.get(i).getKey()).bind("mv" + i, pairs.get(i).getValue());
            }
            return q;
        });
    }

    private static final String UPDATE = """
            UPDATE jobs
            SET created_at = :createdAt, status = :status, model = :model, training_file = :trainingFile,
                validation_file = :validationFile, suffix = :suffix, seed = :seed, hyperparameters = :hyperparameters,
                resolved_hyperparameters = :resolved, method = :method, fine_tuned_model = :fineTunedModel,
                result_files = :resultFiles, trained_tokens = :trainedTokens, finished_at = :finishedAt,
                estimated_finish = :estimatedFinish, error = :error, version = version + 1,
                lease_owner = :leaseOwner, lease_expires_at = :leaseExpiresAt,
                cancel_requested = :cancelRequested, pause_requested = :pauseRequested,
                safety_evaluation = :safetyEvaluation
            WHERE id = :id AND version = :previous""";

    @Override
    public boolean update(FineTuningJob job) {
        return jdbi.withHandle(h -> bindJob(h.createUpdate(UPDATE), job).bind("previous", job.version()).execute()) == 1;
    }

    @Override
    public Optional<FineTuningJob> claimNext(String workerId, long nowMillis, long leaseExpiresAtMillis) {
        return jdbi.inTransaction(h -> claims.claimNext(h, workerId, nowMillis, leaseExpiresAtMillis));
    }

    private static final String RENEW = """
            UPDATE jobs SET lease_expires_at = :expiresAt, version = version + 1
            WHERE id = :id AND lease_owner = :worker""";

    @Override
    public boolean renewLease(String jobId, String workerId, long leaseExpiresAtMillis) {
        return jdbi.withHandle(h -> h.createUpdate(RENEW)
                .bind("id", jobId).bind("worker", workerId).bind("expiresAt", leaseExpiresAtMillis)
                .execute()) == 1;
    }

    private static final String COUNT_ACTIVE = "SELECT COUNT(*) FROM jobs WHERE status NOT IN (" + TERMINAL + ")";

    @Override
    public int countActive() {
        return jdbi.withHandle(h -> h.createQuery(COUNT_ACTIVE).mapTo(Integer.class).one());
    }

    @Override
    public Map<JobStatus, Integer> countByStatus() {
        return jdbi.withHandle(h -> h.createQuery("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")
                .reduceRows(new java.util.EnumMap<>(JobStatus.class), (map, row) -> {
                    map.put(JobStatus.fromWire(row.getColumn("status", String.class)), row.getColumn("n", Integer.class));
                    return map;
                }));
    }

    private static final String LEASED = "SELECT " + COLUMNS + " FROM jobs WHERE lease_owner IS NOT NULL "
            + "ORDER BY lease_expires_at, id";

    @Override
    public List<FineTuningJob> leased() {
        return jdbi.withHandle(h -> h.createQuery(LEASED).map(FineTuningJobMapper.INSTANCE).list());
    }

    /** The job's events, metrics rows and checkpoints go with it (foreign keys with ON DELETE CASCADE). */
    private static final String DELETE = "DELETE FROM jobs WHERE id = :id";

    @Override
    public boolean delete(String jobId) {
        return jdbi.withHandle(h -> h.createUpdate(DELETE).bind("id", jobId).execute()) > 0;
    }

    private static final String ACTIVE_USING_FILE = "SELECT " + COLUMNS + """
             FROM jobs
            WHERE (training_file = :file OR validation_file = :file) AND status NOT IN (%s)
            ORDER BY created_at, id
            LIMIT 1""".formatted(TERMINAL);

    @Override
    public Optional<FineTuningJob> activeJobUsingFile(String fileId) {
        return jdbi.withHandle(h -> h.createQuery(ACTIVE_USING_FILE).bind("file", fileId)
                .map(FineTuningJobMapper.INSTANCE).findOne());
    }
}
