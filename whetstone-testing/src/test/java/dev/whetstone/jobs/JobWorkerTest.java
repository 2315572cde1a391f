package dev.whetstone.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.Ids;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.models.FineTunedModel;
import dev.whetstone.worker.JobWorker;
import dev.whetstone.store.PageRequest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker over in-memory stores and the FakeTrainer: the life of a job from claim to its end. */
class JobWorkerTest {
    @TempDir Path dir;
    JobHarness h;
    String train;
    String valid;

    @BeforeEach
    void setUp() throws Exception {
        h = new JobHarness(dir, 10);
        train = h.chatFile(10);
        valid = h.chatFile(3);
    }

    FineTuningJob create(String model, String suffix, int epochs) {
        return h.jobs.create(new JobRequest(model, train, valid, suffix, 105L,
                new TrainingSpec.Hyperparameters(epochs, 2, null), null));
    }

    @Test
    void aJobRunsToSuccessWithModelCheckpointsResultsAndEvents() throws Exception {
        FineTuningJob job = create("gpt-35-turbo-0613", "v1", 4);
        JobWorker worker = h.worker("w1");

        assertThat(worker.runOnce()).isTrue();
        assertThat(worker.runOnce()).as("nothing left").isFalse();

        FineTuningJob done = h.jobs.get(job.id());
        String modelId = "gpt-35-turbo-0613.ft-" + Ids.hexOf(job.id()) + "-v1";
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.fineTunedModel()).isEqualTo(modelId);
        assertThat(done.resolved().nEpochs()).isEqualTo(4);
        assertThat(done.resolved().batchSize()).isEqualTo(2);
        assertThat(done.trainedTokens()).isPositive();
        assertThat(done.finishedAt()).isNotNull();
        assertThat(done.leaseOwner()).isNull();
        assertThat(done.resultFiles()).hasSize(1);

        FineTunedModel model = h.fineTuned.find(modelId).orElseThrow();
        assertThat(model.baseModel()).isEqualTo("gpt-35-turbo-0613");
        // images reach the trainer through the job's own cache, whose folder goes with the finished run
        assertThat(h.trainer.specs().getFirst().images()).isInstanceOf(dev.whetstone.data.image.JobImageCache.class);
        assertThat(h.paths.workDir(job.id()).resolve(dev.whetstone.data.image.JobImageCache.FOLDER)).doesNotExist();
        assertThat(model.jobId()).isEqualTo(job.id());
        assertThat(h.paths.resolve(model.dir()).resolve("adapter_config.json")).exists();

        List<Checkpoint> checkpoints = h.jobs.checkpoints(job.id(), PageRequest.first(10)).data();
        assertThat(checkpoints).extracting(Checkpoint::stepNumber).containsExactly(20, 15, 10);
        assertThat(checkpoints).extracting(Checkpoint::fineTunedModelCheckpoint)
                .containsExactly(modelId, modelId + ":ckpt-step-15", modelId + ":ckpt-step-10");
        assertThat(checkpoints.get(1).metrics()).containsEntry("step", 15.0).containsKeys("train_loss", "full_valid_loss");
        assertThat(h.paths.workDir(job.id()).resolve("checkpoints/step-5")).doesNotExist();
        assertThat(h.paths.workDir(job.id()).resolve("checkpoints/step-10")).exists();

        List<String> lines = results(done).lines().toList();
        assertThat(lines.getFirst()).isEqualTo("step,train_loss,train_mean_token_accuracy,valid_loss,"
                + "valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy");
        assertThat(lines).hasSize(21);
        assertThat(lines.get(1)).startsWith("1,").matches("1,[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+,,");
        assertThat(lines.get(5)).matches("5,[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+");

        List<String> messages = messagesOldestFirst(job.id());
        assertThat(messages).containsSubsequence("Job enqueued. Waiting for jobs ahead to complete.", "Job started.",
                "Step 2: training loss=", "Step 20: training loss=", "Postprocessing started.",
                "Completed results file: " + done.resultFiles().getFirst(), "Training tokens billed: ", "Job succeeded.");
        assertThat(messages.stream().filter(m -> m.startsWith("Step "))).hasSize(10);
    }

    @Test
    void metricsEventsCarryAzuresKeysPlusThroughputAndMemory() {
        FineTuningJob job = create("tiny-chat", null, 1);
        h.worker("w1").runOnce();
        JobEvent metrics = h.jobs.events(job.id(), PageRequest.first(50)).data().stream()
                .filter(e -> e.type().equals("metrics")).findFirst().orElseThrow();
        assertThat(metrics.data()).containsKeys("step", "train_loss", "train_mean_token_accuracy", "valid_loss",
                "valid_mean_token_accuracy", "full_valid_loss", "full_valid_mean_token_accuracy", "tokens_per_second",
                "peak_memory_bytes");
        assertThat(metrics.message()).isEqualTo("Step 5: training loss=" + metrics.data().get("train_loss"));
    }

    @Test
    void continuousFineTuningStartsFromTheParentsAdapterOnTheRootBase() throws Exception {
        FineTuningJob first = create("gpt-35-turbo-0613", null, 1);
        h.worker("w1").runOnce();
        String parent = h.jobs.get(first.id()).fineTunedModel();

        FineTuningJob second = create(parent, "round2", 1);
        h.worker("w1").runOnce();
        TrainingSpec spec = h.trainer.specs().getLast();
        assertThat(spec.baseModelDir()).isEqualTo(h.chatModel.dir());
        assertThat(spec.initAdapterDir()).isEqualTo(h.paths.resolve(h.fineTuned.find(parent).orElseThrow().dir()));
        assertThat(spec.workDir()).isEqualTo(h.paths.workDir(second.id()));
        assertThat(h.jobs.get(second.id()).fineTunedModel())
                .isEqualTo("gpt-35-turbo-0613.ft-" + Ids.hexOf(second.id()) + "-round2");

        Checkpoint checkpoint = h.jobs.checkpoints(first.id(), PageRequest.first(1)).data().getFirst();
        FineTuningJob third = create(checkpoint.id(), null, 1);
        h.worker("w1").runOnce();
        assertThat(h.trainer.specs().getLast().initAdapterDir()).isEqualTo(h.paths.resolve(checkpoint.dir()));
        assertThat(h.jobs.get(third.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void aCancelIsSeenAtTheNextStepBoundary() throws Exception {
        FineTuningJob job = create("tiny-chat", null, 2);
        h.trainer.holdBeforeStep(3);
        CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(() -> h.worker("w1").runOnce());
        assertThat(h.trainer.awaitHeld(Duration.ofSeconds(10))).isTrue();

        assertThat(h.jobs.cancel(job.id()).status()).isEqualTo(JobStatus.CANCELLED);
        h.trainer.release();
        assertThat(run.get(10, TimeUnit.SECONDS)).isTrue();

        FineTuningJob after = h.jobs.get(job.id());
        assertThat(after.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(after.fineTunedModel()).isNull();
        assertThat(after.leaseOwner()).isNull();
        assertThat(h.stores.events().metrics(job.id())).extracting(MetricsRow::step).containsExactly(1, 2);
        assertThat(h.fineTuned.list()).isEmpty();
    }

    @Test
    void resultsCanBeReadWhileTheJobRuns() throws Exception {
        FineTuningJob job = create("tiny-chat", null, 2);
        h.trainer.holdBeforeStep(6);
        CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(() -> h.worker("w1").runOnce());
        assertThat(h.trainer.awaitHeld(Duration.ofSeconds(10))).isTrue();

        FineTuningJob running = h.jobs.get(job.id());
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(results(running).lines()).hasSize(5).first().asString().startsWith("step,");
        assertThat(running.estimatedFinish()).isNotNull();
        h.trainer.release();
        assertThat(run.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(results(h.jobs.get(job.id())).lines()).hasSize(11);
    }

    @Test
    void pauseThenResumeContinuesFromTheResumeStateWithoutDuplicateRows() throws Exception {
        FineTuningJob job = create("tiny-chat", null, 2);
        h.trainer.holdBeforeStep(7);
        CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(() -> h.worker("w1").runOnce());
        assertThat(h.trainer.awaitHeld(Duration.ofSeconds(10))).isTrue();
        assertThat(h.jobs.pause(job.id()).status()).isEqualTo(JobStatus.PAUSING);
        h.trainer.release();
        assertThat(run.get(10, TimeUnit.SECONDS)).isTrue();

        FineTuningJob paused = h.jobs.get(job.id());
        assertThat(paused.status()).isEqualTo(JobStatus.PAUSED);
        assertThat(paused.leaseOwner()).isNull();
        assertThat(h.worker("w2").runOnce()).as("a paused job is not claimable").isFalse();

        assertThat(h.jobs.resume(job.id()).status()).isEqualTo(JobStatus.RESUMING);
        assertThat(h.worker("w2").runOnce()).isTrue();
        assertThat(h.jobs.get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(h.stores.events().metrics(job.id())).extracting(MetricsRow::step)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(messagesOldestFirst(job.id())).contains("Job paused after step 6.", "Training continues at step 7 of 10.")
                .filteredOn(m -> m.startsWith("Step ")).doesNotHaveDuplicates();
    }

    @Test
    void aTrainingFailureEndsTheJobFailedWithTheParam() {
        FineTuningJob job = create("tiny-chat", null, 1);
        h.trainer.failAtStep(2, "training_file");
        h.worker("w1").runOnce();

        FineTuningJob failed = h.jobs.get(job.id());
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo(new JobError("invalid_training_file", "Fake failure at step 2.", "training_file"));
        assertThat(failed.leaseOwner()).isNull();
        JobEvent newest = h.jobs.events(job.id(), PageRequest.first(1)).data().getFirst();
        assertThat(newest.level()).isEqualTo("error");
        assertThat(newest.message()).isEqualTo("Job failed: Fake failure at step 2.");
    }

    @Test
    void aMissingBaseModelFolderFailsTheJobNamingTheModel() throws Exception {
        FineTuningJob job = create("tiny-chat", null, 1);
        dev.whetstone.Folders.deleteTree(h.chatModel.dir());
        h.worker("w1").runOnce();
        assertThat(h.jobs.get(job.id()).error().param()).isEqualTo("model");
    }

    @Test
    void stoppingTheWorkerQueuesItsJobAgainForAnyWorkerToFinish() throws Exception {
        FineTuningJob job = create("tiny-chat", null, 2);
        JobWorker w1 = h.worker("w1");
        h.trainer.holdBeforeStep(4);
        CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(w1::runOnce);
        assertThat(h.trainer.awaitHeld(Duration.ofSeconds(10))).isTrue();
        w1.stop();
        h.trainer.release();
        assertThat(run.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(h.jobs.get(job.id()).status()).isEqualTo(JobStatus.PENDING);

        assertThat(h.worker("w2").runOnce()).isTrue();
        assertThat(h.jobs.get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(h.stores.events().metrics(job.id())).hasSize(10);
    }

    @Test
    void deletingTheJobRemovesModelCheckpointsAndFolder() throws Exception {
        FineTuningJob job = create("tiny-chat", null, 1);
        h.worker("w1").runOnce();
        String model = h.jobs.get(job.id()).fineTunedModel();
        h.jobs.delete(job.id());
        assertThat(h.fineTuned.find(model)).isEmpty();
        assertThat(h.stores.checkpoints().all(job.id())).isEmpty();
        assertThat(h.paths.workDir(job.id())).doesNotExist();
    }

    String results(FineTuningJob job) throws Exception {
        try (InputStream in = h.files.content(job.resultFiles().getFirst())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    List<String> messagesOldestFirst(String jobId) {
        return h.stores.events().list(jobId, new PageRequest(null, 1000, true)).data().stream()
                .map(JobEvent::message).map(m -> m.startsWith("Step ") || m.startsWith("Training tokens billed")
                        ? m.substring(0, m.indexOf(m.startsWith("Step ") ? '=' : ':') + 1) + (m.startsWith("Step ") ? "" : " ")
                        : m).toList();
    }
}
