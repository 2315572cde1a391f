package dev.whetstone.testing;

import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobFilter;
import dev.whetstone.jobs.JobTransitions;
import dev.whetstone.store.JobStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A {@link JobStore} in a map; one lock makes claims atomic. Checked by JobStoreContract like the SQL store. */
public final class InMemoryJobStore implements JobStore {
    private static final Comparator<FineTuningJob> OLDEST_FIRST =
            Comparator.comparingLong(FineTuningJob::createdAt).thenComparing(FineTuningJob::id);

    private final Map<String, FineTuningJob> jobs = new LinkedHashMap<>();

    @Override
    public synchronized void insert(FineTuningJob job) {
        if (jobs.putIfAbsent(job.id(), job) != null) {
            throw new IllegalStateException("InMemoryJobStore: a job with id '" + job.id() + "' already exists");
        }
    }

    @Override
    public synchronized Optional<FineTuningJob> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public synchronized Page<FineTuningJob> list(PageRequest page, JobFilter filter) {
        // The cursor job may itself be filtered out: Paging looks it up among all jobs, as the SQL store does.
        return Paging.page(new ArrayList<>(jobs.values()), OLDEST_FIRST, FineTuningJob::id, page, filter::matches);
    }

    @Override
    public synchronized boolean update(FineTuningJob job) {
        FineTuningJob current = jobs.get(job.id());
        if (current == null || current.version() != job.version()) return false;
        jobs.put(job.id(), job.toBuilder().version(job.version() + 1).build());
        return true;
    }

    @Override
    public synchronized Optional<FineTuningJob> claimNext(String workerId, long nowMillis, long leaseExpiresAtMillis) {
        Optional<FineTuningJob> next = jobs.values().stream()
                .filter(j -> claimable(j, nowMillis))
                .min(OLDEST_FIRST);
        return next.map(j -> bump(j, b -> b.status(JobTransitions.onClaim(j.status())).lease(workerId, leaseExpiresAtMillis)));
    }

    private static boolean claimable(FineTuningJob j, long now) {
        if (JobTransitions.claimableWhenWaiting().contains(j.status())) return true;
        return JobTransitions.claimableWhenLeaseExpired().contains(j.status())
                && j.leaseExpiresAt() != null && j.leaseExpiresAt() <= now;
    }

    @Override
    public synchronized boolean renewLease(String jobId, String workerId, long leaseExpiresAtMillis) {
        FineTuningJob j = jobs.get(jobId);
        if (j == null || !workerId.equals(j.leaseOwner())) return false;
        bump(j, b -> b.lease(workerId, leaseExpiresAtMillis));
        return true;
    }

    @Override
    public synchronized int countActive() {
        return (int) jobs.values().stream().filter(j -> !j.status().isTerminal()).count();
    }

    @Override
    public synchronized Map<dev.whetstone.jobs.JobStatus, Integer> countByStatus() {
        Map<dev.whetstone.jobs.JobStatus, Integer> counts = new java.util.EnumMap<>(dev.whetstone.jobs.JobStatus.class);
        jobs.values().forEach(j -> counts.merge(j.status(), 1, Integer::sum));
        return counts;
    }

    @Override
    public synchronized java.util.List<FineTuningJob> leased() {
        return jobs.values().stream().filter(j -> j.leaseOwner() != null)
                .sorted(Comparator.comparing((FineTuningJob j) -> j.leaseExpiresAt() == null ? Long.MAX_VALUE : j.leaseExpiresAt())
                        .thenComparing(FineTuningJob::id)).toList();
    }

    @Override
    public synchronized boolean delete(String jobId) {
        return jobs.remove(jobId) != null;
    }

    @Override
    public synchronized Optional<FineTuningJob> activeJobUsingFile(String fileId) {
        return jobs.values().stream()
                .filter(j -> !j.status().isTerminal())
                .filter(j -> fileId.equals(j.trainingFile()) || fileId.equals(j.validationFile()))
                .min(OLDEST_FIRST);
    }

    private FineTuningJob bump(FineTuningJob j, UnaryOperator<FineTuningJob.Builder> change) {
        FineTuningJob changed = change.apply(j.toBuilder()).version(j.version() + 1).build();
        jobs.put(j.id(), changed);
        return changed;
    }
}
