package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.howToBody;
import static dev.whetstone.testing.XboxSupportData.QA;
import static dev.whetstone.testing.XboxSupportData.SYSTEM;
import static dev.whetstone.testing.XboxSupportData.answer;
import static dev.whetstone.testing.XboxSupportData.question;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.checkpoints.FineTuningJobCheckpoint;
import dev.whetstone.server.api.Json;
import dev.whetstone.testing.XboxSupportData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5's acceptance, end to end on the service as {@code whetstone serve} builds it (SQLite, the real trainer,
 * the torch inference engine, the demo models): fine-tune {@code tiny-chat} with the how-to's request (LoRA, "auto"
 * hyperparameters) through the official openai-java client in Azure mode, deploy the model, a checkpoint and the
 * base with the how-to's management request, chat, and clean up in the documented order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FineTunedDeploymentWorkflowTest {
    static final String KEY = "workflow-key";

    @TempDir static Path data;
    WhetstoneServer server;
    String base;
    OpenAIClient client;
    ArmClient arm;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String trainingFile;
    String validationFile;
    FineTuningJob job;

    @BeforeAll
    void fineTuneTinyChat() throws Exception {
        server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true));
        base = "http://127.0.0.1:" + server.port();
        client = TestServer.azureClient(base, KEY);
        arm = new ArmClient(base, KEY);
        trainingFile = upload("training_set.jsonl", 10);
        validationFile = upload("validation_set.jsonl", 3);
        // The how-to's job request: model, files, seed; every hyperparameter "auto", the method LoRA.
        FineTuningJob created = client.fineTuning().jobs().create(JobCreateParams.builder().model("tiny-chat")
                .trainingFile(trainingFile).validationFile(validationFile).seed(105L).build());
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
                isTerminal(client.fineTuning().jobs().retrieve(created.id()).status().asString()));
        job = client.fineTuning().jobs().retrieve(created.id());
        assertThat(job.status().asString()).as("job %s: %s", job.id(), job.error()).isEqualTo("succeeded");
    }

    @AfterAll
    void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    @Test
    @Order(1)
    void theFineTunedDeploymentAnswersATrainedQuestionWithTheTrainedAnswerAndTheBaseDoesNot() throws Exception {
        String model = job.fineTunedModel().orElseThrow();
        assertThat(deploy("xbox-bot", model, 20)).isEqualTo("Succeeded");
        assertThat(deploy("tiny-base", "tiny-chat", 1)).isEqualTo("Succeeded");

        for (List<String> qa : QA) {
            assertThat(ask("xbox-bot", qa.get(0))).as("fine-tuned answer to %s", qa.get(0)).isEqualTo(qa.get(1));
            assertThat(ask("tiny-base", qa.get(0))).as("base answer to %s", qa.get(0)).isNotEqualTo(qa.get(1));
        }
        ChatCompletion completion = client.chat().completions().create(greedyChat("xbox-bot", question(1)));
        assertThat(completion.model()).isEqualTo(model);
        assertThat(completion.usage().orElseThrow().promptTokens()).isPositive();
    }

    @Test
    @Order(2)
    void theHowTosChatCommandAnswersVerbatim() throws Exception {
        String body = "{\"messages\":[{\"role\": \"system\", \"content\": \"You are a helpful assistant.\"},"
                + "{\"role\": \"user\", \"content\": \"Does Azure OpenAI support customer managed keys?\"},"
                + "{\"role\": \"assistant\", \"content\": \"Yes, customer managed keys are supported by Azure OpenAI.\"},"
                + "{\"role\": \"user\", \"content\": \"Do other Azure AI services support this too?\"}]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/openai/deployments/xbox-bot/chat/completions?api-version=2023-05-15"))
                .header("Content-Type", "application/json").header("api-key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = Json.MAPPER.readTree(r.body()).at("/choices/0");
        assertThat(choice.at("/message/role").asText()).isEqualTo("assistant");
        assertThat(choice.at("/finish_reason").asText()).isIn("stop", "length");
    }

    @Test
    @Order(3)
    void aCheckpointDeploysByIdAndByNameAndAnswers() throws Exception {
        List<FineTuningJobCheckpoint> checkpoints = client.fineTuning().jobs().checkpoints().list(job.id()).data();
        assertThat(checkpoints).isNotEmpty();
        FineTuningJobCheckpoint oldest = checkpoints.getLast();
        assertThat(deploy("by-id", oldest.id(), 20)).isEqualTo("Succeeded");
        assertThat(deploy("by-name", oldest.fineTunedModelCheckpoint(), 1)).isEqualTo("Succeeded");
        assertThat(ask("by-id", question(0))).isEqualTo(ask("by-name", question(0)));
    }

    @Test
    @Order(4)
    void eightConcurrentStreamsAcrossTwoAdaptersAllCompleteUncorrupted() throws Exception {
        Map<String, String> alone = Map.of("xbox-bot", ask("xbox-bot", question(2)), "by-id", ask("by-id", question(2)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> streams = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String deployment = i % 2 == 0 ? "xbox-bot" : "by-id";
                streams.add(pool.submit((Callable<String>) () -> stream(deployment, question(2))));
            }
            for (int i = 0; i < 8; i++) {
                String deployment = i % 2 == 0 ? "xbox-bot" : "by-id";
                assertThat(streams.get(i).get()).as("stream %d on %s", i, deployment).isEqualTo(alone.get(deployment));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(5)
    void cleanUpInTheDocumentedOrder() throws Exception {
        String model = job.fineTunedModel().orElseThrow();
        HttpResponse<String> blocked = delete("/openai/models/" + model + "?api-version=2024-10-21");
        assertThat(blocked.statusCode()).isEqualTo(409);
        assertThat(blocked.body()).contains("xbox-bot");

        for (String name : List.of("xbox-bot", "tiny-base", "by-id", "by-name")) {
            assertThat(arm.delete(name).statusCode()).isEqualTo(200);
            assertThat(arm.get(name).statusCode()).isEqualTo(404);
        }
        HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/openai/deployments/xbox-bot/chat/completions?api-version=2024-10-21"))
                .header("Content-Type", "application/json").header("api-key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).isEqualTo(404);
        assertThat(chat.body()).contains("DeploymentNotFound");

        assertThat(client.models().delete(model).deleted()).isTrue();
        assertThat(client.files().delete(trainingFile).deleted()).isTrue();
        assertThat(client.files().delete(validationFile).deleted()).isTrue();
    }

    private String upload(String name, int conversations) throws Exception {
        return TestServer.uploadProcessed(client, data.resolve(name), "\uFEFF" + XboxSupportData.chatJsonl(conversations),
                Duration.ofSeconds(30));
    }

    /**
     * The how-to's management request (PUT), then GET until the state is terminal. Capacity 1 allows 6 requests a
     * minute, fewer than these tests send to one deployment, so the busy ones get more.
     */
    private String deploy(String name, String model, int capacity) throws Exception {
        return arm.deploy(name, howToBody(model, capacity));
    }

    private static ChatCompletionCreateParams greedyChat(String deployment, String text) {
        return ChatCompletionCreateParams.builder().model(deployment).addSystemMessage(SYSTEM).addUserMessage(text)
                .temperature(0.0).maxTokens(48).build();
    }

    /** Greedy decoding through the official client. */
    private String ask(String deployment, String text) {
        return client.chat().completions().create(greedyChat(deployment, text)).choices().getFirst().message()
                .content().orElse("").strip();
    }

    private String stream(String deployment, String text) {
        StringBuilder out = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(greedyChat(deployment, text))) {
            s.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(out::append)));
        }
        return out.toString().strip();
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("api-key", KEY).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean isTerminal(String status) {
        return status.equals("succeeded") || status.equals("failed") || status.equals("cancelled");
    }
}
