package dev.whetstone.store.sql;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.store.JobEventStore;
import dev.whetstone.store.JobStore;
import dev.whetstone.testing.JobStoreContract;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes on one SQLite file (the CLI worker beside the server): the queue and event numbering hold. */
class SqliteQueueConcurrencyTest {
    @TempDir
    Path folder;

    private String url() {
        return "jdbc:sqlite:" + folder.resolve("queue.db");
    }

    @Test
    void twoDatabasesOnOneFileNeverClaimTheSameJob() throws Exception {
        int jobs = 80;
        try (Database a = Database.open(url()); Database b = Database.open(url())) {
            JobStore storeA = new JdbiJobStore(a);
            QueueRaces.insertPending(storeA, jobs);
            List<List<String>> perWorker = QueueRaces.claimAll(List.of(storeA, new JdbiJobStore(b)), 2);
            QueueRaces.assertEachJobClaimedOnceByItsOwner(storeA, perWorker, jobs);
        }
    }

    @Test
    void twoDatabasesOnOneFileNumberOneJobsEventsWithoutGapsOrRepeats() throws Exception {
        try (Database a = Database.open(url()); Database b = Database.open(url())) {
            new JdbiJobStore(a).insert(JobStoreContract.job("ftjob-a", 1, JobStatus.RUNNING));
            List<JobEventStore> stores = List.of(new JdbiJobEventStore(a), new JdbiJobEventStore(b));
            List<Long> seqs = QueueRaces.appendAll(stores, 2, 25, "ftjob-a");
            assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
        }
    }

    /** A real second process: a child JVM and this one claim from the same file at the same time. */
    @Test
    void aChildProcessAndThisOneNeverClaimTheSameJob() throws Exception {
        int jobs = 120;
        try (Database db = Database.open(url())) {
            JobStore store = new JdbiJobStore(db);
            QueueRaces.insertPending(store, jobs);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ClaimingProcess.class.getName(), url(), "child")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            assertThat(childOut.readLine()).isEqualTo(ClaimingProcess.READY);

            child.getOutputStream().write("go\n".getBytes(UTF_8));
            child.getOutputStream().flush();
            // SQLite's write lock is not fair, and a loaded machine can start the child late: wait for its first
            // claim, so the race below always has two contenders (otherwise this process may take every job).
            List<String> theirs = new ArrayList<>();
            theirs.add(childOut.readLine());
            List<String> mine = new ArrayList<>();
            for (Optional<FineTuningJob> c; (c = store.claimNext("parent", 0L, 60_000L)).isPresent(); ) {
                mine.add(c.get().id());
                Thread.sleep(ClaimingProcess.PAUSE_MS);
            }
            theirs.addAll(childOut.lines().toList());
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
            assertThat(child.exitValue()).isZero();

            assertThat(theirs).as("jobs the child claimed").isNotEmpty();
            assertThat(mine).as("jobs this process claimed").isNotEmpty();
            List<String> all = new ArrayList<>(mine);
            all.addAll(theirs);
            assertThat(all).hasSize(jobs).doesNotHaveDuplicates();
            for (String id : theirs) assertThat(store.find(id).orElseThrow().leaseOwner()).isEqualTo("child");
        }
    }
}
