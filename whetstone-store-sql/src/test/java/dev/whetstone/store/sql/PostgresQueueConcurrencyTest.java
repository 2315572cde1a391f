package dev.whetstone.store.sql;

import dev.whetstone.testing.PostgresSchema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.jobs.JobStatus;
import dev.whetstone.store.JobEventStore;
import dev.whetstone.store.JobStore;
import dev.whetstone.testing.JobStoreContract;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two pools on one PostgreSQL schema, as two server or worker processes would have them, each with several
 * threads (so several connections): claims and event numbering hold. Skipped unless PostgreSQL is configured.
 */
class PostgresQueueConcurrencyTest {
    private PostgresSchema schema;

    @BeforeEach
    void createSchema() throws SQLException {
        schema = PostgresSchema.create();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema != null) schema.close();
    }

    @Test
    void twoPoolsNeverClaimTheSameJob() throws Exception {
        int jobs = 200;
        try (Database a = Database.open(schema.url()); Database b = Database.open(schema.url())) {
            JobStore storeA = new JdbiJobStore(a);
            QueueRaces.insertPending(storeA, jobs);
            List<List<String>> perWorker = QueueRaces.claimAll(List.of(storeA, new JdbiJobStore(b)), 4);
            QueueRaces.assertEachJobClaimedOnceByItsOwner(storeA, perWorker, jobs);
        }
    }

    @Test
    void twoPoolsNumberOneJobsEventsWithoutGapsOrRepeats() throws Exception {
        try (Database a = Database.open(schema.url()); Database b = Database.open(schema.url())) {
            new JdbiJobStore(a).insert(JobStoreContract.job("ftjob-a", 1, JobStatus.RUNNING));
            List<JobEventStore> stores = List.of(new JdbiJobEventStore(a), new JdbiJobEventStore(b));
            List<Long> seqs = QueueRaces.appendAll(stores, 4, 25, "ftjob-a");
            assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
        }
    }
}
