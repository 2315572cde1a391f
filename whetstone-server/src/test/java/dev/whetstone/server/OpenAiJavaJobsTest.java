package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.JobListEventsParams;
import com.openai.models.finetuning.jobs.checkpoints.FineTuningJobCheckpoint;
import dev.whetstone.testing.FakeTrainer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official openai-java 4.8.0 client in Azure LEGACY mode drives the fine-tuning workflow: it creates jobs
 * through {@code /openai/deployments/{model}/fine_tuning/jobs} and deletes models through
 * {@code /openai/deployments/{model}/models/{model}} (docs/reference/CLIENTS.md 1), and pages events until an empty page (9).
 */
class OpenAiJavaJobsTest {
    @TempDir Path dir;
    FakeTrainer trainer = new FakeTrainer();
    TestServer ts;
    OpenAIClient client;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.withJobs(dir, trainer, 1, Clock.systemUTC(), 20);
        client = ts.azureClient();
    }

    @AfterEach
    void stop() {
        trainer.release();
        client.close();
        ts.close();
    }

    String upload(String name, int lines) throws Exception {
        return TestServer.uploadProcessed(client, dir.resolve(name), "\uFEFF" + JobClient.chatLines(lines),
                Duration.ofSeconds(10));
    }

    FineTuningJob awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> client.fineTuning().jobs().retrieve(id).status().asString().equals(status));
        return client.fineTuning().jobs().retrieve(id);
    }

    @Test
    void createRetrieveEventsCheckpointsContinueAndDeleteTheModel() throws Exception {
        String training = upload("training_set.jsonl", 10);
        String validation = upload("validation_set.jsonl", 3);

        FineTuningJob created = client.fineTuning().jobs().create(JobCreateParams.builder()
                .model("gpt-35-turbo-0613").trainingFile(training).validationFile(validation).seed(105L).suffix("java")
                .hyperparameters(JobCreateParams.Hyperparameters.builder().nEpochs(2L).build()).build());
        assertThat(created.status().asString()).isEqualTo("pending");
        assertThat(created.seed()).isEqualTo(105L);
        assertThat(created.resultFiles()).isEmpty();
        assertThat(created.hyperparameters().nEpochs().orElseThrow().asInteger()).isEqualTo(2L);
        assertThat(routeCount("POST", "/openai/deployments/{ignored_deployment}/fine_tuning/jobs")).isEqualTo(1);

        FineTuningJob done = awaitStatus(created.id(), "succeeded");
        String model = done.fineTunedModel().orElseThrow();
        assertThat(model).startsWith("gpt-35-turbo-0613.ft-").endsWith("-java");
        assertThat(done.resultFiles()).hasSize(1);
        assertThat(done.trainingFile()).isEqualTo(training);
        assertThat(done.error()).isEmpty();

        List<FineTuningJobEvent> events = client.fineTuning().jobs()
                .listEvents(created.id(), JobListEventsParams.builder().limit(2L).build()).autoPager().stream().toList();
        int stored = ts.stores.events().list(created.id(), new dev.whetstone.store.PageRequest(null, 1000, false)).data().size();
        assertThat(events).hasSize(stored);
        assertThat(events.getFirst().message()).isEqualTo("Job succeeded.");
        assertThat(events).extracting(FineTuningJobEvent::id).doesNotHaveDuplicates();

        List<FineTuningJobCheckpoint> checkpoints = client.fineTuning().jobs().checkpoints().list(created.id()).data();
        assertThat(checkpoints).extracting(FineTuningJobCheckpoint::stepNumber).containsExactly(20L, 10L);
        assertThat(checkpoints.getFirst().fineTunedModelCheckpoint()).isEqualTo(model);
        assertThat(checkpoints.getFirst().metrics().trainLoss()).isPresent();

        FineTuningJob second = client.fineTuning().jobs().create(JobCreateParams.builder()
                .model(model).trainingFile(training).seed(106L).build());
        assertThat(routeCount("POST", "/openai/deployments/{ignored_deployment}/fine_tuning/jobs")).isEqualTo(2);
        FineTuningJob secondDone = awaitStatus(second.id(), "succeeded");
        assertThat(secondDone.model()).isEqualTo(model);
        assertThat(trainer.specs().getLast().initAdapterDir()).isNotNull();
        assertThat(secondDone.fineTunedModel().orElseThrow()).startsWith("gpt-35-turbo-0613.ft-");

        assertThat(client.models().delete(model).deleted()).isTrue();
        assertThat(routeCount("DELETE", "/openai/deployments/{ignored_deployment}/models/{model_id}")).isEqualTo(1);
        assertThatThrownBy(() -> client.models().retrieve(model)).isInstanceOf(NotFoundException.class);
        assertThat(client.fineTuning().jobs().list().data()).extracting(FineTuningJob::id)
                .containsExactly(second.id(), created.id());
    }

    @Test
    void cancelReturnsTheJobCancelled() throws Exception {
        String training = upload("training_set.jsonl", 10);
        trainer.holdBeforeStep(2);
        FineTuningJob created = client.fineTuning().jobs().create(JobCreateParams.builder()
                .model("tiny-chat").trainingFile(training).build());
        assertThat(trainer.awaitHeld(Duration.ofSeconds(10))).isTrue();
        assertThat(client.fineTuning().jobs().cancel(created.id()).status().asString()).isEqualTo("cancelled");
        trainer.release();
        assertThat(awaitStatus(created.id(), "cancelled").fineTunedModel()).isEmpty();
        assertThatThrownBy(() -> client.fineTuning().jobs().retrieve("ftjob-nope")).isInstanceOf(NotFoundException.class);
    }

    /** How often the server answered on a route template, read from its Prometheus metrics. */
    private long routeCount(String method, String route) throws Exception {
        String metrics = ts.get("/metrics").body();
        return metrics.lines().filter(l -> l.startsWith("http_server_requests_seconds_count{"))
                .filter(l -> l.contains("method=\"" + method + "\"") && l.contains("route=\"" + route + "\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
