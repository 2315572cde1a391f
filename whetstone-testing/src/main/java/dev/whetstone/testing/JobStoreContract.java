package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.engine.ResolvedHyperparameters;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobError;
import dev.whetstone.jobs.JobFilter;
import dev.whetstone.jobs.JobIntegration;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.jobs.JobTransitions;
import dev.whetstone.safety.HarmCategory;
import dev.whetstone.safety.SafetyCheck;
import dev.whetstone.safety.SafetyEvaluation;
import dev.whetstone.store.JobStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link JobStore} adapter must have, the queue included. Subclass it once per adapter and
 * return an empty store from {@link #emptyStore()}; each test gets its own.
 */
public abstract class JobStoreContract {
    protected JobStore store;

    protected abstract JobStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    /** A job with only the required fields, as JobService creates it. */
    public static FineTuningJob job(String id, long createdAt, JobStatus status) {
        return new FineTuningJob(id, createdAt, status, "tiny-chat", "file-train", null, null, 42L,
                TrainingSpec.Hyperparameters.auto(), null, TrainingSpec.Method.LORA, null, List.of(), null, null,
                null, null, 0, null, null, false, false);
    }

    @Test
    void insertedJobsAreFoundWithEveryField() {
        FineTuningJob full = new FineTuningJob("ftjob-full", 1_700_000_000L, JobStatus.SUCCEEDED,
                "tiny-chat.ft-abc-my_suffix", "file-t", "file-v", "my_suffix", 2_147_483_648L,
                new TrainingSpec.Hyperparameters(3, null, 0.5), new ResolvedHyperparameters(3, 8, 0.5, 2e-4),
                TrainingSpec.Method.FULL, "tiny-chat.ft-full", List.of("file-r1", "file-r2"), 12345L,
                1_700_000_500L, 1_700_000_400L, new JobError("invalid_training_file", "bad \"line\" ü", "training_file"),
                7, "worker-1", 1_700_000_000_123L, true, true, new SafetyEvaluation(SafetyCheck.dataPassed(10),
                new SafetyCheck(SafetyCheck.Status.FAILED, List.of(HarmCategory.VIOLENCE, HarmCategory.SELF_HARM),
                        "probes-v1", Map.of(HarmCategory.HATE, 0.0, HarmCategory.VIOLENCE, 0.25, HarmCategory.SELF_HARM, 0.5),
                        0.1, "20 probe answers classified")), Map.of("team", "nlp"),
                List.of(new JobIntegration("wandb", new JobIntegration.Wandb("proj", "run", "me", List.of("t")))));
        FineTuningJob sparse = job("ftjob-sparse", 5, JobStatus.PENDING);
        store.insert(full);
        store.insert(sparse);

        assertThat(store.find("ftjob-full")).contains(full);
        assertThat(store.find("ftjob-sparse")).contains(sparse);
        assertThat(store.find("ftjob-missing")).isEmpty();
    }

    @Test
    void metadataAndIntegrationsAreStoredAndKeptByUpdates() {
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        metadata.put("team", "search \"ü\" 'quoted'");
        metadata.put("a.b[c]", "");
        List<JobIntegration> integrations = List.of(new JobIntegration("wandb",
                new JobIntegration.Wandb("proj", null, "me", List.of("x", "y"))));
        FineTuningJob labelled = labelled("ftjob-m", 1, metadata, integrations);
        store.insert(labelled);

        FineTuningJob read = store.find("ftjob-m").orElseThrow();
        assertThat(read).isEqualTo(labelled);
        assertThat(read.metadata().keySet()).as("the client's order").containsExactly("team", "a.b[c]");
        assertThat(store.update(read.toBuilder().status(JobStatus.RUNNING).build())).isTrue();
        assertThat(store.find("ftjob-m").orElseThrow().metadata()).isEqualTo(metadata);
        assertThat(store.find("ftjob-m").orElseThrow().integrations()).isEqualTo(integrations);
    }

    @Test
    void listFiltersByMetadataPairsOrTheirAbsence() {
        store.insert(withMetadata("ftjob-1", 101, Map.of("team", "a", "env", "prod")));
        store.insert(withMetadata("ftjob-2", 102, Map.of("team", "a")));
        store.insert(job("ftjob-3", 103, JobStatus.PENDING));
        store.insert(withMetadata("ftjob-4", 104, Map.of("team", "b", "env", "prod")));
        store.insert(withMetadata("ftjob-5", 105, Map.of("team", "a", "env", "prod")));

        assertThat(ids(store.list(PageRequest.first(10), new JobFilter(Map.of("team", "a"), false))))
                .containsExactly("ftjob-5", "ftjob-2", "ftjob-1");
        assertThat(ids(store.list(PageRequest.first(10), new JobFilter(Map.of("team", "a", "env", "prod"), false))))
                .as("every pair must match").containsExactly("ftjob-5", "ftjob-1");
        assertThat(ids(store.list(PageRequest.first(10), new JobFilter(Map.of("team", "A"), false)))).isEmpty();
        assertThat(ids(store.list(PageRequest.first(10), new JobFilter(Map.of("nope", "a"), false)))).isEmpty();
        assertThat(ids(store.list(PageRequest.first(10), new JobFilter(Map.of(), true)))).containsExactly("ftjob-3");

        Page<FineTuningJob> first = store.list(PageRequest.first(1), new JobFilter(Map.of("env", "prod"), false));
        assertThat(ids(first)).containsExactly("ftjob-5");
        assertThat(first.hasMore()).isTrue();
        Page<FineTuningJob> next = store.list(new PageRequest("ftjob-5", 1, false), new JobFilter(Map.of("env", "prod"), false));
        assertThat(ids(next)).containsExactly("ftjob-4");
        assertThat(next.hasMore()).isTrue();
        assertThat(ids(store.list(new PageRequest("ftjob-3", 5, false), new JobFilter(Map.of("env", "prod"), false))))
                .as("a cursor the filter drops still marks the place").containsExactly("ftjob-1");
    }

    private static FineTuningJob withMetadata(String id, long createdAt, Map<String, String> metadata) {
        return labelled(id, createdAt, metadata, List.of());
    }

    private static FineTuningJob labelled(String id, long createdAt, Map<String, String> metadata,
                                          List<JobIntegration> integrations) {
        return new FineTuningJob(id, createdAt, JobStatus.PENDING, "tiny-chat", "file-train", null, null, 42L,
                TrainingSpec.Hyperparameters.auto(), null, TrainingSpec.Method.LORA, null, List.of(), null, null,
                null, null, 0, null, null, false, false, null, metadata, integrations);
    }

    @Test
    void aReinforcementJobKeepsItsGraderResponseFormatAndResolvedSettings() {
        String grader = "{\"type\":\"string_check\",\"name\":\"w\",\"input\":\"{{sample.output_text}}\","
                + "\"reference\":\"{{item.answer}}\",\"operation\":\"like\"}";
        FineTuningJob rl = job("ftjob-rl", 9, JobStatus.RUNNING).toBuilder()
                .resolved(new ResolvedHyperparameters(2, 4, 1.0, 1e-3, null, null,
                        new ResolvedHyperparameters.Reinforcement(3, 8, 0.5, "low", 4, 32, 0.04)))
                .build();
        rl = new FineTuningJob(rl.id(), rl.createdAt(), rl.status(), rl.model(), rl.trainingFile(), null, null, 42L,
                new TrainingSpec.Hyperparameters(2, null, null, null,
                        new TrainingSpec.Reinforcement(grader, null, 8, 0.5, "low",
                                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":{\"type\":\"object\"}}}")),
                rl.resolved(), TrainingSpec.Method.LORA, null, List.of(), null, null, null, null, 0, null, null,
                false, false);
        store.insert(rl);
        FineTuningJob found = store.find("ftjob-rl").orElseThrow();
        assertThat(found).isEqualTo(rl);
        assertThat(found.reinforcement()).isTrue();
        assertThat(found.preference()).isFalse();
        assertThat(found.requested().reinforcement().responseFormat()).contains("json_schema");
    }

    @Test
    void insertingAnExistingIdFails() {
        store.insert(job("ftjob-a", 1, JobStatus.PENDING));
        assertThatThrownBy(() -> store.insert(job("ftjob-a", 2, JobStatus.RUNNING))).isInstanceOf(RuntimeException.class);
        assertThat(store.find("ftjob-a")).get().extracting(FineTuningJob::createdAt).isEqualTo(1L);
    }

    @Test
    void listIsNewestFirstWithAnExactHasMoreAndCursor() {
        for (int i = 1; i <= 5; i++) store.insert(job("ftjob-" + i, 100 + i, JobStatus.PENDING));
        store.insert(job("ftjob-0b", 100, JobStatus.PENDING));
        store.insert(job("ftjob-0a", 100, JobStatus.PENDING));

        Page<FineTuningJob> first = store.list(PageRequest.first(2));
        assertThat(ids(first)).containsExactly("ftjob-5", "ftjob-4");
        assertThat(first.hasMore()).isTrue();
        Page<FineTuningJob> rest = store.list(new PageRequest("ftjob-4", 10, false));
        assertThat(ids(rest)).containsExactly("ftjob-3", "ftjob-2", "ftjob-1", "ftjob-0b", "ftjob-0a");
        assertThat(rest.hasMore()).isFalse();
        Page<FineTuningJob> exact = store.list(new PageRequest("ftjob-2", 3, false));
        assertThat(ids(exact)).containsExactly("ftjob-1", "ftjob-0b", "ftjob-0a");
        assertThat(exact.hasMore()).as("nothing follows the last item").isFalse();

        Page<FineTuningJob> afterLast = store.list(new PageRequest("ftjob-0a", 2, false));
        assertThat(afterLast.data()).as("the Java SDK pages until an empty page").isEmpty();
        assertThat(afterLast.hasMore()).isFalse();
        assertThat(ids(store.list(new PageRequest("ftjob-0b", 2, true)))).containsExactly("ftjob-1", "ftjob-2");
        assertThat(store.list(new PageRequest("ftjob-unknown", 2, false)).data()).isEmpty();
    }

    @Test
    void updateIsOptimisticAndBumpsTheVersion() {
        store.insert(job("ftjob-a", 1, JobStatus.PENDING));
        FineTuningJob read = store.find("ftjob-a").orElseThrow();

        assertThat(store.update(read.toBuilder().status(JobStatus.RUNNING).build())).isTrue();
        FineTuningJob after = store.find("ftjob-a").orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(after.version()).isEqualTo(read.version() + 1);

        assertThat(store.update(read.toBuilder().status(JobStatus.CANCELLED).build()))
                .as("a write based on a stale read is refused").isFalse();
        assertThat(store.find("ftjob-a").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(store.update(job("ftjob-missing", 1, JobStatus.RUNNING))).isFalse();
        assertThat(store.find("ftjob-missing")).isEmpty();
    }

    @Test
    void updateReplacesEveryFieldIncludingClearingOnes() {
        FineTuningJob start = job("ftjob-a", 1, JobStatus.RUNNING).toBuilder().lease("w1", 99L)
                .cancelRequested(true).error(new JobError("c", "m", null)).build();
        store.insert(start);
        FineTuningJob changed = start.toBuilder().lease(null, null).cancelRequested(false).error(null)
                .resultFiles(List.of("file-r")).trainedTokens(10L).fineTunedModel("m.ft-1").finishedAt(50L)
                .resolved(new ResolvedHyperparameters(1, 2, 3.0, 4.0)).status(JobStatus.SUCCEEDED).build();
        assertThat(store.update(changed)).isTrue();
        assertThat(store.find("ftjob-a")).contains(changed.toBuilder().version(1).build());
    }

    @Test
    void ofTwoConcurrentUpdatesOfOneVersionExactlyOneWins() throws Exception {
        for (int round = 0; round < 20; round++) {
            String id = "ftjob-race-" + round;
            store.insert(job(id, round, JobStatus.RUNNING));
            FineTuningJob read = store.find(id).orElseThrow();
            List<Boolean> results = Races.race(2, i -> store.update(read.toBuilder()
                    .status(i == 0 ? JobStatus.CANCELLED : JobStatus.SUCCEEDED).build()));
            assertThat(results).as("round %d", round).containsExactlyInAnyOrder(true, false);
            assertThat(store.find(id).orElseThrow().version()).isEqualTo(1);
        }
    }

    @Test
    void claimNextTakesTheOldestClaimableJobAndSetsRunningWithTheLease() {
        store.insert(job("ftjob-paused", 1, JobStatus.PAUSED));
        store.insert(job("ftjob-done", 2, JobStatus.SUCCEEDED));
        store.insert(job("ftjob-cancelled", 3, JobStatus.CANCELLED));
        store.insert(job("ftjob-failed", 3, JobStatus.FAILED));
        store.insert(job("ftjob-live", 4, JobStatus.RUNNING).toBuilder().lease("w0", 10_000L).build());
        store.insert(job("ftjob-pending-late", 9, JobStatus.PENDING));
        store.insert(job("ftjob-resuming", 6, JobStatus.RESUMING).toBuilder().pauseRequested(false).build());
        store.insert(job("ftjob-pending-b", 5, JobStatus.PENDING).toBuilder().cancelRequested(false).build());
        store.insert(job("ftjob-pending-a", 5, JobStatus.PENDING));

        List<String> order = new ArrayList<>();
        for (Optional<FineTuningJob> c; (c = store.claimNext("w1", 1_000L, 61_000L)).isPresent(); ) {
            FineTuningJob claimed = c.get();
            order.add(claimed.id());
            assertThat(claimed.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(claimed.leaseOwner()).isEqualTo("w1");
            assertThat(claimed.leaseExpiresAt()).isEqualTo(61_000L);
            assertThat(claimed.version()).isEqualTo(1);
            assertThat(store.find(claimed.id())).contains(claimed);
        }
        assertThat(order).containsExactly("ftjob-pending-a", "ftjob-pending-b", "ftjob-resuming", "ftjob-pending-late");
        assertThat(store.find("ftjob-paused").orElseThrow().status()).isEqualTo(JobStatus.PAUSED);
        assertThat(store.find("ftjob-live").orElseThrow().leaseOwner()).isEqualTo("w0");
    }

    @Test
    void claimKeepsTheCancelAndPauseFlags() {
        store.insert(job("ftjob-a", 1, JobStatus.PAUSING).toBuilder().lease("w0", 500L).pauseRequested(true).build());
        FineTuningJob claimed = store.claimNext("w1", 500L, 2_000L).orElseThrow();
        assertThat(claimed.pauseRequested()).isTrue();
        assertThat(claimed.status()).as("pausing cannot become running (JobTransitions); its new worker pauses it")
                .isEqualTo(JobStatus.PAUSING);
        assertThat(claimed.leaseOwner()).isEqualTo("w1");
    }

    @Test
    void everyClaimMovesAlongTheTransitionTable() {
        store.insert(job("ftjob-pending", 1, JobStatus.PENDING));
        store.insert(job("ftjob-resuming", 2, JobStatus.RESUMING));
        store.insert(job("ftjob-running", 3, JobStatus.RUNNING).toBuilder().lease("dead", 10L).build());
        store.insert(job("ftjob-pausing", 4, JobStatus.PAUSING).toBuilder().lease("dead", 10L).build());
        Map<String, JobStatus> before = Map.of("ftjob-pending", JobStatus.PENDING, "ftjob-resuming", JobStatus.RESUMING,
                "ftjob-running", JobStatus.RUNNING, "ftjob-pausing", JobStatus.PAUSING);
        for (int i = 0; i < before.size(); i++) {
            FineTuningJob claimed = store.claimNext("w" + i, 100L, 1_000L).orElseThrow();
            assertThat(JobTransitions.allowed(before.get(claimed.id()), claimed.status()))
                    .as("%s: %s -> %s", claimed.id(), before.get(claimed.id()), claimed.status()).isTrue();
        }
        assertThat(store.claimNext("w9", 100L, 1_000L)).isEmpty();
    }

    @Test
    void anExpiredLeaseIsTakenOverAndTheOldOwnerCanNoLongerRenew() {
        store.insert(job("ftjob-a", 1, JobStatus.PENDING));
        store.claimNext("w1", 0L, 1_000L).orElseThrow();

        assertThat(store.claimNext("w2", 999L, 2_000L)).as("lease still valid").isEmpty();
        assertThat(store.renewLease("ftjob-a", "w1", 1_500L)).isTrue();
        assertThat(store.find("ftjob-a").orElseThrow().leaseExpiresAt()).isEqualTo(1_500L);
        assertThat(store.claimNext("w2", 1_499L, 3_000L)).isEmpty();

        FineTuningJob taken = store.claimNext("w2", 1_500L, 3_000L).orElseThrow();
        assertThat(taken.leaseOwner()).isEqualTo("w2");
        assertThat(taken.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(store.renewLease("ftjob-a", "w1", 9_000L)).as("w1 lost the job").isFalse();
        assertThat(store.find("ftjob-a").orElseThrow().leaseExpiresAt()).isEqualTo(3_000L);
        assertThat(store.renewLease("ftjob-missing", "w1", 9_000L)).isFalse();
    }

    @Test
    void renewingBumpsTheVersionSoAStaleWriteIsRefused() {
        store.insert(job("ftjob-a", 1, JobStatus.PENDING));
        FineTuningJob claimed = store.claimNext("w1", 0L, 1_000L).orElseThrow();
        assertThat(store.renewLease("ftjob-a", "w1", 2_000L)).isTrue();
        assertThat(store.update(claimed.toBuilder().trainedTokens(5L).build())).isFalse();
        assertThat(store.find("ftjob-a").orElseThrow().version()).isEqualTo(claimed.version() + 1);
    }

    @Test
    void aPausingJobWithAnExpiredLeaseIsClaimableButAPausedOneIsNot() {
        store.insert(job("ftjob-pausing", 1, JobStatus.PAUSING).toBuilder().lease("w0", 100L).build());
        store.insert(job("ftjob-paused", 0, JobStatus.PAUSED).toBuilder().lease("w0", 100L).build());
        assertThat(store.claimNext("w1", 99L, 500L)).isEmpty();
        assertThat(store.claimNext("w1", 100L, 50_000L)).get().extracting(FineTuningJob::id).isEqualTo("ftjob-pausing");
        assertThat(store.claimNext("w1", 10_000L, 20_000L)).isEmpty();
    }

    @Test
    void concurrentClaimersNeverGetTheSameJob() throws Exception {
        int jobs = 60;
        for (int i = 0; i < jobs; i++) store.insert(job("ftjob-" + i, i, JobStatus.PENDING));
        List<List<String>> perWorker = Races.race(4, w -> {
            List<String> mine = new ArrayList<>();
            for (Optional<FineTuningJob> c; (c = store.claimNext("w" + w, 0L, 60_000L)).isPresent(); ) {
                assertThat(c.get().leaseOwner()).isEqualTo("w" + w);
                mine.add(c.get().id());
            }
            return mine;
        });
        List<String> all = perWorker.stream().flatMap(List::stream).toList();
        assertThat(all).hasSize(jobs).doesNotHaveDuplicates();
        for (int w = 0; w < 4; w++) {
            for (String id : perWorker.get(w)) assertThat(store.find(id).orElseThrow().leaseOwner()).isEqualTo("w" + w);
        }
    }

    @Test
    void concurrentTakeoverOfOneExpiredJobHasOneWinner() throws Exception {
        for (int round = 0; round < 20; round++) {
            String id = "ftjob-expired-" + round;
            store.insert(job(id, round, JobStatus.RUNNING).toBuilder().lease("dead", 10L).build());
            List<Optional<FineTuningJob>> claims = Races.race(3, w -> store.claimNext("w" + w, 1_000L, 5_000L));
            assertThat(claims.stream().filter(Optional::isPresent).count()).as("round %d", round).isEqualTo(1);
        }
    }

    @Test
    void countActiveCountsNonTerminalJobs() {
        int i = 0;
        for (JobStatus s : JobStatus.values()) store.insert(job("ftjob-" + i++, i, s));
        assertThat(store.countActive()).isEqualTo(5);
    }

    @Test
    void countByStatusCountsEachStatusPresent() {
        store.insert(job("ftjob-a", 1, JobStatus.PENDING));
        store.insert(job("ftjob-b", 2, JobStatus.PENDING));
        store.insert(job("ftjob-c", 3, JobStatus.SUCCEEDED));
        assertThat(store.countByStatus()).isEqualTo(java.util.Map.of(JobStatus.PENDING, 2, JobStatus.SUCCEEDED, 1));
    }

    @Test
    void leasedListsHeldJobsByLeaseExpiry() {
        store.insert(job("ftjob-free", 1, JobStatus.PENDING));
        store.insert(job("ftjob-late", 2, JobStatus.RUNNING).toBuilder().lease("w1", 9_000L).build());
        store.insert(job("ftjob-soon", 3, JobStatus.RUNNING).toBuilder().lease("w2", 5_000L).build());
        assertThat(store.leased()).extracting(FineTuningJob::id, FineTuningJob::leaseOwner)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ftjob-soon", "w2"),
                        org.assertj.core.groups.Tuple.tuple("ftjob-late", "w1"));
    }

    @Test
    void deleteRemovesTheJobOnce() {
        store.insert(job("ftjob-a", 1, JobStatus.SUCCEEDED));
        assertThat(store.delete("ftjob-a")).isTrue();
        assertThat(store.delete("ftjob-a")).isFalse();
        assertThat(store.find("ftjob-a")).isEmpty();
        assertThat(store.list(PageRequest.first(5)).data()).isEmpty();
    }

    @Test
    void activeJobUsingFileLooksAtTrainingAndValidationFilesOfNonTerminalJobs() {
        store.insert(job("ftjob-done", 1, JobStatus.SUCCEEDED).toBuilder().build());
        FineTuningJob running = new FineTuningJob("ftjob-run", 2, JobStatus.RUNNING, "m", "file-t2", "file-v2", null, 1,
                TrainingSpec.Hyperparameters.auto(), null, TrainingSpec.Method.LORA, null, List.of(), null, null,
                null, null, 0, null, null, false, false);
        store.insert(running);

        assertThat(store.activeJobUsingFile("file-train")).as("used only by a finished job").isEmpty();
        assertThat(store.activeJobUsingFile("file-t2")).get().extracting(FineTuningJob::id).isEqualTo("ftjob-run");
        assertThat(store.activeJobUsingFile("file-v2")).get().extracting(FineTuningJob::id).isEqualTo("ftjob-run");
        assertThat(store.activeJobUsingFile("file-other")).isEmpty();
    }

    private static List<String> ids(Page<FineTuningJob> page) {
        return page.data().stream().map(FineTuningJob::id).toList();
    }
}
