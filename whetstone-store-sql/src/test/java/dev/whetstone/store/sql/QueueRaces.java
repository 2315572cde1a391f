package dev.whetstone.store.sql;

import dev.whetstone.testing.Races;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobEvent;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.store.JobEventStore;
import dev.whetstone.store.JobStore;
import dev.whetstone.testing.JobStoreContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Races between several store objects, each on its own Database (its own pool and connections), as separate
 * processes would have them. Shared by the SQLite and PostgreSQL concurrency tests.
 */
final class QueueRaces {
    private QueueRaces() {}

    static void insertPending(JobStore store, int jobs) {
        for (int i = 0; i < jobs; i++) store.insert(JobStoreContract.job("ftjob-%04d".formatted(i), i, JobStatus.PENDING));
    }

    /** Worker {@code w} claims until the queue is empty; returns each worker's claimed ids, by worker index. */
    static List<List<String>> claimAll(List<JobStore> stores, int workersPerStore) throws Exception {
        return Races.race(stores.size() * workersPerStore, w -> {
            JobStore store = stores.get(w % stores.size());
            List<String> mine = new ArrayList<>();
            for (Optional<FineTuningJob> c; (c = store.claimNext("w" + w, 0L, 60_000L)).isPresent(); ) {
                mine.add(c.get().id());
            }
            return mine;
        });
    }

    /** Every job was claimed exactly once, and the stored lease names the worker that got it. */
    static void assertEachJobClaimedOnceByItsOwner(JobStore store, List<List<String>> perWorker, int jobs) {
        assertThat(perWorker.stream().flatMap(List::stream).toList()).hasSize(jobs).doesNotHaveDuplicates();
        for (int w = 0; w < perWorker.size(); w++) {
            for (String id : perWorker.get(w)) {
                FineTuningJob stored = store.find(id).orElseThrow();
                assertThat(stored.leaseOwner()).as(id).isEqualTo("w" + w);
                assertThat(stored.status()).as(id).isEqualTo(JobStatus.RUNNING);
                assertThat(stored.version()).as(id).isEqualTo(1);
            }
        }
    }

    /** Appends {@code each} events per writer to one job; returns the seqs the writers were given. */
    static List<Long> appendAll(List<JobEventStore> stores, int writersPerStore, int each, String jobId)
            throws Exception {
        List<List<Long>> perWriter = Races.race(stores.size() * writersPerStore, w -> {
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                seqs.add(stores.get(w % stores.size()).append(new JobEvent("ftevent-" + w + "-" + i, jobId, 1, 0,
                        "info", "message", "writer " + w, null)).seq());
            }
            return seqs;
        });
        return perWriter.stream().flatMap(List::stream).toList();
    }
}
