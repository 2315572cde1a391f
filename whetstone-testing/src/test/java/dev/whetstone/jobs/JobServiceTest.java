package dev.whetstone.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.files.FilePurpose;
import dev.whetstone.files.FileStatus;
import dev.whetstone.store.PageRequest;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobServiceTest {
    @TempDir Path dir;
    JobHarness h;
    String train;

    @BeforeEach
    void setUp() throws Exception {
        h = new JobHarness(dir, 3);
        train = h.chatFile(12);
    }

    @Test
    void createStoresAPendingJobWithTheSeedAndEnqueuedEvent() {
        FineTuningJob job = h.jobs.create(new JobRequest("gpt-35-turbo-0613", train, null, "my-model_1", 105L,
                new TrainingSpec.Hyperparameters(2, null, 0.1), null));

        assertThat(job.id()).matches("ftjob-[0-9a-f]{32}");
        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(job.model()).isEqualTo("gpt-35-turbo-0613");
        assertThat(job.seed()).isEqualTo(105L);
        assertThat(job.suffix()).isEqualTo("my-model_1");
        assertThat(job.method()).isEqualTo(TrainingSpec.Method.LORA);
        assertThat(job.requested()).isEqualTo(new TrainingSpec.Hyperparameters(2, null, 0.1));
        assertThat(job.resultFiles()).isEmpty();
        assertThat(h.jobs.get(job.id())).isEqualTo(job);
        assertThat(h.jobs.events(job.id(), PageRequest.first(10)).data().getFirst().message())
                .isEqualTo("Job enqueued. Waiting for jobs ahead to complete.");
    }

    @Test
    void aFileValidatedBeforeImagesWereCountedIsReadToRefuseItsImagesForATextModel() throws Exception {
        String image = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                + "{\"url\":\"https://example.com/cat.png\"}}]},{\"role\":\"assistant\",\"content\":\"a cat\"}]}\n";
        String lines = JobHarness.chatLines(3) + image + JobHarness.chatLines(8);
        String file = h.upload(lines);
        assertThat(h.files.get(file).statistics().hasImages()).isNull();
        assertThatThrownBy(() -> h.jobs.create(h.request("tiny-chat", file)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.param()).isEqualTo("training_file");
                    assertThat(e.getMessage()).contains("first on line 4").contains("model 'tiny-chat' cannot see images");
                });
    }

    @Test
    void aMissingSeedIsGeneratedWithinInt32() {
        FineTuningJob a = h.jobs.create(new JobRequest("tiny-chat", train, null, null, null, null, TrainingSpec.Method.FULL));
        assertThat(a.seed()).isBetween(0L, (long) Integer.MAX_VALUE);
        assertThat(a.method()).isEqualTo(TrainingSpec.Method.FULL);
        assertThat(a.requested()).isEqualTo(TrainingSpec.Hyperparameters.auto());
    }

    @Test
    void everyBadInputIsA400NamingItsField() throws Exception {
        String prompt = h.promptFile(12);
        String few = h.chatFile(9);
        String broken = h.upload("BROKEN\n");
        String results = h.files.createGenerated(FilePurpose.FINE_TUNE_RESULTS, "results.csv",
                new ByteArrayInputStream("step\n".getBytes())).id();

        expect400("model", () -> h.jobs.create(h.request("gpt-5", train)));
        expect400("model", () -> h.jobs.create(h.request(" ", train)));
        expect400("training_file", () -> h.jobs.create(h.request("tiny-chat", "file-nope")));
        expect400("training_file", () -> h.jobs.create(h.request("tiny-chat", null)));
        expect400("training_file", () -> h.jobs.create(h.request("tiny-chat", prompt)));
        expect400("training_file", () -> h.jobs.create(h.request("tiny-base", train)));
        expect400("training_file", () -> h.jobs.create(h.request("tiny-chat", few)));
        expect400("training_file", () -> h.jobs.create(h.request("tiny-chat", broken)));
        expect400("training_file", () -> h.jobs.create(h.request("tiny-chat", results)));
        expect400("validation_file", () -> h.jobs.create(new JobRequest("tiny-chat", train, "file-nope", null, 1L, null, null)));
        expect400("validation_file", () -> h.jobs.create(new JobRequest("tiny-chat", train, prompt, null, 1L, null, null)));
        expect400("suffix", () -> h.jobs.create(new JobRequest("tiny-chat", train, null, "x".repeat(41), 1L, null, null)));
        expect400("suffix", () -> h.jobs.create(new JobRequest("tiny-chat", train, null, "has space", 1L, null, null)));
        expect400("seed", () -> h.jobs.create(new JobRequest("tiny-chat", train, null, null, -1L, null, null)));
        expect400("seed", () -> h.jobs.create(new JobRequest("tiny-chat", train, null, null, 1L << 31, null, null)));
        expect400("hyperparameters.n_epochs", () -> h.jobs.create(hyper(0, null, null)));
        expect400("hyperparameters.n_epochs", () -> h.jobs.create(hyper(51, null, null)));
        expect400("hyperparameters.batch_size", () -> h.jobs.create(hyper(null, 0, null)));
        expect400("hyperparameters.batch_size", () -> h.jobs.create(hyper(null, 257, null)));
        expect400("hyperparameters.learning_rate_multiplier", () -> h.jobs.create(hyper(null, null, 0.0)));
        expect400("hyperparameters.learning_rate_multiplier", () -> h.jobs.create(hyper(null, null, 10.5)));
        assertThat(h.stores.jobs().countActive()).isZero();

        assertThat(h.jobs.create(h.request("tiny-base", prompt)).status()).isEqualTo(JobStatus.PENDING);
        assertThat(h.jobs.create(hyper(50, 256, 10.0)).status()).isEqualTo(JobStatus.PENDING);
    }

    private JobRequest hyper(Integer epochs, Integer batch, Double lrm) {
        return new JobRequest("tiny-chat", train, null, null, 1L, new TrainingSpec.Hyperparameters(epochs, batch, lrm), null);
    }

    private static void expect400(String param, ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
            assertThat(e.param()).as(e.getMessage()).isEqualTo(param);
            assertThat(e.getMessage()).isNotBlank();
        });
    }

    @Test
    void aFileStillBeingValidatedIs409NamingIt() throws Exception {
        String slow = h.chatFile(12);
        h.fileStore.updateStatus(slow, FileStatus.PROCESSED, FileStatus.RUNNING, null, null);

        assertThatThrownBy(() -> h.jobs.create(new JobRequest("tiny-chat", train, slow, null, 1L, null, null)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNEXPECTED_ENTITY_STATE);
                    assertThat(e.param()).isEqualTo("validation_file");
                    assertThat(e.getMessage()).contains("running");
                });
    }

    @Test
    void theActiveJobQuotaIs429() {
        for (int i = 0; i < 3; i++) h.jobs.create(h.request("tiny-chat", train));
        assertThatThrownBy(() -> h.jobs.create(h.request("tiny-chat", train)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        h.jobs.cancel(h.jobs.list(PageRequest.first(1)).data().getFirst().id());
        assertThat(h.jobs.create(h.request("tiny-chat", train)).status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void cancelIsImmediateAndASecondCancelIs409() {
        FineTuningJob job = h.jobs.create(h.request("tiny-chat", train));
        h.clock.advance(java.time.Duration.ofSeconds(30));
        FineTuningJob cancelled = h.jobs.cancel(job.id());
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(cancelled.finishedAt()).isEqualTo(h.clock.instant().getEpochSecond());
        assertThat(cancelled.cancelRequested()).isTrue();
        assertThatThrownBy(() -> h.jobs.cancel(job.id())).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNEXPECTED_ENTITY_STATE));
        assertThatThrownBy(() -> h.jobs.cancel("ftjob-nope")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void pauseNeedsARunningJobAndResumeAPausedOne() {
        FineTuningJob job = h.jobs.create(h.request("tiny-chat", train));
        assertThatThrownBy(() -> h.jobs.pause(job.id())).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNEXPECTED_ENTITY_STATE));
        assertThatThrownBy(() -> h.jobs.resume(job.id())).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNEXPECTED_ENTITY_STATE));
        h.stores.jobs().claimNext("w", 0, Long.MAX_VALUE);

        assertThat(h.jobs.pause(job.id())).satisfies(j -> {
            assertThat(j.status()).isEqualTo(JobStatus.PAUSING);
            assertThat(j.pauseRequested()).isTrue();
        });
    }

    @Test
    void deleteRefusesUnfinishedJobsAndRemovesFinishedOnes() {
        FineTuningJob job = h.jobs.create(h.request("tiny-chat", train));
        assertThatThrownBy(() -> h.jobs.delete(job.id())).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNEXPECTED_ENTITY_STATE));
        h.jobs.cancel(job.id());
        h.jobs.delete(job.id());
        assertThatThrownBy(() -> h.jobs.get(job.id())).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(h.stores.events().list(job.id(), PageRequest.first(5)).data()).isEmpty();
    }

    @Test
    void aFileUsedByAnUnfinishedJobCannotBeDeleted() throws Exception {
        FineTuningJob job = h.jobs.create(h.request("tiny-chat", train));
        assertThatThrownBy(() -> h.files.delete(train)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).contains(job.id());
        });
        h.jobs.cancel(job.id());
        h.files.delete(train);
    }
}
