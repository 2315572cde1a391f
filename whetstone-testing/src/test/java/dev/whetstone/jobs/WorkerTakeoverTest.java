package dev.whetstone.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.worker.JobWorker;
import dev.whetstone.worker.JobWorkers;
import dev.whetstone.store.PageRequest;
import dev.whetstone.testing.FakeTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker that dies or loses its lease: the job is taken over and finished once, with nothing reported twice. */
class WorkerTakeoverTest {
    @TempDir Path dir;
    JobHarness h;
    FineTuningJob job;

    @BeforeEach
    void setUp() throws Exception {
        h = new JobHarness(dir, 10);
        job = h.jobs.create(new JobRequest("tiny-chat", h.chatFile(10), null, null, 7L,
                new TrainingSpec.Hyperparameters(2, 2, null), null));
    }

    @Test
    void aCrashedWorkersJobIsTakenOverAfterLeaseExpiryAndResumedWithoutDuplicates() {
        h.trainer.crashAfterStep(7);
        assertThatThrownBy(() -> h.worker("w1").runOnce()).isInstanceOf(FakeTrainer.SimulatedCrash.class);
        FineTuningJob orphaned = h.jobs.get(job.id());
        assertThat(orphaned.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(orphaned.leaseOwner()).isEqualTo("w1");
        List<Integer> reportedBefore = metricEventSteps();
        assertThat(reportedBefore).containsExactly(2, 4, 6);

        JobWorker w2 = h.worker("w2");
        h.clock.advance(JobHarness.SETTINGS.lease().minusSeconds(1));
        assertThat(w2.runOnce()).as("lease still valid").isFalse();
        h.clock.advance(Duration.ofSeconds(1));
        assertThat(w2.runOnce()).isTrue();

        FineTuningJob done = h.jobs.get(job.id());
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(h.trainer.specs()).hasSize(2);
        assertThat(h.stores.events().metrics(job.id())).extracting(MetricsRow::step)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(metricEventSteps()).containsExactly(2, 4, 6, 8, 10);
        assertThat(h.stores.checkpoints().all(job.id())).extracting(Checkpoint::stepNumber).containsExactly(5, 10);
        assertThat(done.resultFiles()).hasSize(1);
        assertThat(messages()).contains("Job continues on worker w2.", "Training continues at step 6 of 10.");
    }

    @Test
    void replayedRowsAreIdenticalToTheOriginals() {
        h.trainer.crashAfterStep(7);
        assertThatThrownBy(() -> h.worker("w1").runOnce()).isInstanceOf(FakeTrainer.SimulatedCrash.class);
        Map<Integer, MetricsRow> before = rows();
        h.clock.advance(JobHarness.SETTINGS.lease());
        h.worker("w2").runOnce();
        Map<Integer, MetricsRow> after = rows();
        before.forEach((step, row) -> assertThat(after.get(step)).as("step %d", step).isEqualTo(row));
    }

    @Test
    void aCrashedDpoJobIsTakenOverWithItsRewardColumnsReplayedIdentically() throws Exception {
        FineTuningJob dpo = h.jobs.create(new JobRequest("tiny-chat", h.preferenceFile(10), null, null, 9L,
                new TrainingSpec.Hyperparameters(2, 2, null, TrainingSpec.Dpo.auto()), null));
        h.jobs.cancel(job.id()); // only the DPO job runs
        h.trainer.crashAfterStep(7);
        assertThatThrownBy(() -> h.worker("w1").runOnce()).isInstanceOf(FakeTrainer.SimulatedCrash.class);
        Map<Integer, MetricsRow> before = h.stores.events().metrics(dpo.id()).stream()
                .collect(java.util.stream.Collectors.toMap(MetricsRow::step, r -> r));
        assertThat(before.get(1).trainRewardAccuracy()).isNotNull();
        h.clock.advance(JobHarness.SETTINGS.lease());
        assertThat(h.worker("w2").runOnce()).isTrue();

        FineTuningJob done = h.jobs.get(dpo.id());
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.resolved().beta()).isEqualTo(0.1);
        assertThat(h.trainer.specs()).allSatisfy(s -> assertThat(s.hyperparameters().preference()).isTrue());
        List<MetricsRow> after = h.stores.events().metrics(dpo.id());
        assertThat(after).extracting(MetricsRow::step).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        before.forEach((step, row) -> assertThat(after.get(step - 1)).as("step %d", step).isEqualTo(row));
        String csv = new String(h.files.content(done.resultFiles().getFirst()).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo(MetricsRow.csvHeader(true));
        assertThat(csv.lines().skip(1)).hasSize(10).allSatisfy(l -> assertThat(l.split(",", -1)).hasSize(11));
        Map<String, Object> data = h.stores.events().list(dpo.id(), new PageRequest(null, 1000, true)).data().stream()
                .filter(e -> e.type().equals("metrics")).findFirst().orElseThrow().data();
        assertThat(data).containsKeys("train_reward_accuracy", "train_reward_margin", "valid_reward_accuracy",
                "valid_reward_margin");
    }

    @Test
    void aWorkerThatLostItsLeaseStopsWithoutWritingAnything() throws Exception {
        h.trainer.holdBeforeStep(3);
        CompletableFuture<Boolean> w1 = CompletableFuture.supplyAsync(() -> h.worker("w1").runOnce());
        assertThat(h.trainer.awaitHeld(Duration.ofSeconds(10))).isTrue();
        h.clock.advance(JobHarness.SETTINGS.lease().plusSeconds(1));
        FineTuningJob taken = h.stores.jobs().claimNext("w2", h.clock.millis(), Long.MAX_VALUE).orElseThrow();
        int version = taken.version();
        h.trainer.release();
        assertThat(w1.get(10, TimeUnit.SECONDS)).isTrue();

        FineTuningJob after = h.jobs.get(job.id());
        assertThat(after.leaseOwner()).isEqualTo("w2");
        assertThat(after.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(after.version()).as("w1 changed nothing after losing the lease").isEqualTo(version);
        assertThat(h.stores.events().metrics(job.id())).extracting(MetricsRow::step).containsExactly(1, 2);
    }

    @Test
    void inProcessWorkersRunQueuedJobsAndStopCleanly() throws Exception {
        FineTuningJob second = h.jobs.create(new JobRequest("tiny-chat", h.chatFile(10), null, null, 8L, null, null));
        JobWorkers workers = JobWorkers.start(h.env, 2, Duration.ofSeconds(10));
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && !(done(job) && done(second))) Thread.sleep(20);
        } finally {
            workers.close();
        }
        assertThat(h.jobs.get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(h.jobs.get(second.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(workers.workers()).hasSize(2).allSatisfy(w -> assertThat(w.stopping()).isTrue());
    }

    private boolean done(FineTuningJob j) { return h.jobs.get(j.id()).status().isTerminal(); }

    private List<Integer> metricEventSteps() {
        return h.stores.events().list(job.id(), new PageRequest(null, 1000, true)).data().stream()
                .filter(e -> e.type().equals("metrics")).map(e -> ((Number) e.data().get("step")).intValue()).toList();
    }

    private List<String> messages() {
        return h.stores.events().list(job.id(), new PageRequest(null, 1000, true)).data().stream()
                .map(JobEvent::message).toList();
    }

    private Map<Integer, MetricsRow> rows() {
        return h.stores.events().metrics(job.id()).stream()
                .collect(java.util.stream.Collectors.toMap(MetricsRow::step, r -> r));
    }
}
