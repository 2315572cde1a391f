package dev.whetstone.store.sql;

import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.jobs.JobTransitions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The queue's claim: the oldest claimable job becomes running under the caller's lease. Runs inside the
 * caller's transaction.
 *
 * <p>PostgreSQL: {@code FOR UPDATE SKIP LOCKED} locks the candidate row, and concurrent claimers skip it and
 * take the next one instead of queueing behind it. SQLite: the transaction is IMMEDIATE (see PoolSettings),
 * so it holds the database's one write lock from its first statement and claimers in other processes wait
 * for it. On both, the UPDATE still compares the version it read, so a claim can never overwrite a change
 * it did not see, whatever the isolation level turns out to be. Which statuses are claimed, and what each becomes,
 * is {@link JobTransitions}'s (the SQL lists are generated from it).
 */
final class JobClaims {
    /** A lost race means someone else took that job; retrying picks the next. Bounded so it cannot spin. */
    private static final int MAX_ATTEMPTS = 10;

    private record Candidate(String id, int version) {}

    private static final String CANDIDATE = """
            SELECT id, version FROM jobs
            WHERE status IN (%s) OR (status IN (%s) AND lease_expires_at <= :now)
            ORDER BY created_at, id
            LIMIT 1""".formatted(list(JobTransitions.claimableWhenWaiting()),
            list(JobTransitions.claimableWhenLeaseExpired()));

    private static final String CLAIM = """
            UPDATE jobs SET status = %s, lease_owner = :worker, lease_expires_at = :expiresAt,
                            version = version + 1
            WHERE id = :id AND version = :previous""".formatted(statusOnClaim());

    private final String candidateSql;

    JobClaims(Database.Dialect dialect) {
        this.candidateSql = switch (dialect) {
            case POSTGRES -> CANDIDATE + " FOR UPDATE SKIP LOCKED";
            case SQLITE -> CANDIDATE;
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

    private static String list(Set<JobStatus> statuses) {
        return statuses.stream().map(s -> "'" + s.wireName() + "'").collect(Collectors.joining(", "));
    }

    /** {@code CASE status WHEN 'pending' THEN 'running' … END}: JobTransitions.onClaim for every claimable status. */
    private static String statusOnClaim() {
        Set<JobStatus> claimable = EnumSet.copyOf(JobTransitions.claimableWhenWaiting());
        claimable.addAll(JobTransitions.claimableWhenLeaseExpired());
        return claimable.stream()
                .map(s -> "WHEN '" + s.wireName() + "' THEN '" + JobTransitions.onClaim(s).wireName() + "'")
                .collect(Collectors.joining(" ", "CASE status ", " END"));
    }
}
