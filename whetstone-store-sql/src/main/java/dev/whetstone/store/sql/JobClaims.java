package dev.whetstone.store.sql;

import dev.whetstone.jobs.FineTuningJob;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The queue's claim: the oldest claimable job becomes running under the caller's lease. Runs inside the
 * caller's transaction.
 *
 * <p>PostgreSQL: {@code FOR UPDATE SKIP LOCKED} locks the candidate row, and concurrent claimers skip it and
 * take the next one instead of queueing behind it. SQLite: the transaction is IMMEDIATE (see PoolSettings),
 * so it holds the database's one write lock from its first statement and claimers in other processes wait
 * for it. On both, the UPDATE still compares the version it read, so a claim can never overwrite a change
 * it did not see, whatever the isolation level turns out to be.
 */
final class JobClaims {
    /** A lost race means someone else took that job; retrying picks the next. Bounded so it cannot spin. */
    private static final int MAX_ATTEMPTS = 10;

    private record Candidate(String id, int version) {}

    private static final String CANDIDATE = """
            SELECT id, version FROM jobs
            WHERE status IN (%s) OR (status IN ('running', 'pausing') AND lease_expires_at <= :now)
            ORDER BY created_at, id
            LIMIT 1""";

    private static final String CLAIM = """
            UPDATE jobs SET status = 'running', lease_owner = :worker, lease_expires_at = :expiresAt,
                            version = version + 1
            WHERE id = :id AND version = :previous""";

    private final String candidateSql;

    JobClaims(Database.Dialect dialect, String claimableStatuses) {
        String candidate = CANDIDATE.formatted(claimableStatuses);
        this.candidateSql = switch (dialect) {
            case POSTGRES -> candidate + " FOR UPDATE SKIP LOCKED";
            case SQLITE -> candidate;
        };
    }

    Optional<FineTuningJob> claimNext(Handle h, String workerId, long nowMillis, long leaseExpiresAtMillis) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Candidate> candidate = h.createQuery(candidateSql)
                    .bind("now", nowMillis)
                    .map((rs, ctx) -> new Candidate(rs.getString("id"), rs.getInt("version")))
                    .findOne();
            if (candidate.isEmpty()) return Optional.empty();
            int claimed = h.createUpdate(CLAIM)
                    .bind("id", candidate.get().id())
                    .bind("previous", candidate.get().version())
                    .bind("worker", workerId)
                    .bind("expiresAt", leaseExpiresAtMillis)
                    .execute();
            if (claimed == 1) return JdbiJobStore.find(h, candidate.get().id());
        }
        return Optional.empty(); // the caller polls again; nothing was changed
    }
}
