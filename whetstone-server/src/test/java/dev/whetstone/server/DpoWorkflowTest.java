package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.howToBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.methods.DpoHyperparameters;
import com.openai.models.finetuning.methods.DpoMethod;
import com.openai.models.finetuning.methods.SupervisedHyperparameters;
import com.openai.models.finetuning.methods.SupervisedMethod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15's acceptance on the production wiring (SQLite, the real trainer and inference engine, demo model
 * {@code tiny-chat}), driven by the official openai-java client in Azure mode: supervised fine-tuning teaches answer
 * A to a few questions; a DPO job on that fine-tuned model with pairs preferring answer B over A makes the deployed
 * DPO model answer B (greedy), and its results.csv ends with reward accuracy ≥ 0.9.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpoWorkflowTest {
    static final String KEY = "dpo-key";
    static final List<String> QUESTIONS = List.of("What colour is the sky?", "Which colour do you like?",
            "Name a colour.", "What colour is the sea?", "Pick a colour for the wall.");
    static final String ANSWER_A = "Red is my answer.";
    static final String ANSWER_B = "Blue is my answer.";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path data;
    WhetstoneServer server;
    String base;
    OpenAIClient client;
    ArmClient arm;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    FineTuningJob sft;
    FineTuningJob dpo;

    @BeforeAll
    void supervisedThenDpo() throws Exception {
        server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true));
        base = "http://127.0.0.1:" + server.port();
        client = TestServer.azureClient(base, KEY);
        arm = new ArmClient(base, KEY);

        String chat = upload("answers_a.jsonl", chatJsonl());
        sft = run(JobCreateParams.builder().model("tiny-chat").trainingFile(chat).seed(7L)
                .method(JobCreateParams.Method.builder().type(JobCreateParams.Method.Type.SUPERVISED)
                        .supervised(SupervisedMethod.builder().hyperparameters(SupervisedHyperparameters.builder()
                                .nEpochs(6L).batchSize(1L).learningRateMultiplier(0.5).build()).build()).build())
                .build());

        String pairs = upload("prefer_b.jsonl", preferenceJsonl());
        dpo = run(JobCreateParams.builder().model(sft.fineTunedModel().orElseThrow()).trainingFile(pairs).seed(11L)
                .method(JobCreateParams.Method.builder().type(JobCreateParams.Method.Type.DPO)
                        .dpo(DpoMethod.builder().hyperparameters(DpoHyperparameters.builder().nEpochs(4L).batchSize(2L)
                                .learningRateMultiplier(5.0).beta(0.1).build()).build()).build())
                .build());
    }

    @AfterAll
    void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    @Test
    void theDpoModelAnswersThePreferredReplyWhereTheSupervisedModelAnsweredTheOther() throws Exception {
        assertThat(deploy("sft", sft.fineTunedModel().orElseThrow())).isEqualTo("Succeeded");
        assertThat(deploy("dpo", dpo.fineTunedModel().orElseThrow())).isEqualTo("Succeeded");
        for (String q : QUESTIONS) {
            assertThat(ask("sft", q)).as("supervised answer to %s", q).isEqualTo(ANSWER_A);
            assertThat(ask("dpo", q)).as("DPO answer to %s", q).isEqualTo(ANSWER_B);
        }
    }

    @Test
    void theJobEchoesTheDpoMethodWithTheNumbersUsed() {
        FineTuningJob.Method method = dpo.method().orElseThrow();
        assertThat(method.type().asString()).isEqualTo("dpo");
        DpoHyperparameters h = method.dpo().orElseThrow().hyperparameters().orElseThrow();
        assertThat(h.beta().orElseThrow().asNumber()).isEqualTo(0.1);
        assertThat(h.nEpochs().orElseThrow().asInteger()).isEqualTo(4);
        assertThat(h.batchSize().orElseThrow().asInteger()).isEqualTo(2);
        assertThat(h.learningRateMultiplier().orElseThrow().asNumber()).isEqualTo(5.0);
        assertThat(dpo.model()).isEqualTo(sft.fineTunedModel().orElseThrow());
    }

    @Test
    void resultsCsvAppendsTheRewardColumnsAndEndsWithHighRewardAccuracy() throws Exception {
        List<String> dpoLines = results(dpo).lines().toList();
        assertThat(dpoLines.getFirst()).isEqualTo("step,train_loss,train_mean_token_accuracy,valid_loss,"
                + "valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy,train_reward_accuracy,"
                + "train_reward_margin,valid_reward_accuracy,valid_reward_margin");
        List<String> last = Arrays.asList(dpoLines.getLast().split(",", -1));
        assertThat(Double.parseDouble(last.get(7))).as("final reward accuracy").isGreaterThanOrEqualTo(0.9);
        assertThat(Double.parseDouble(last.get(8))).as("final reward margin").isPositive();
        assertThat(Double.parseDouble(last.get(1))).as("final DPO loss, below log 2").isLessThan(Math.log(2));

        List<String> sftLines = results(sft).lines().toList();
        assertThat(sftLines.getFirst()).isEqualTo("step,train_loss,train_mean_token_accuracy,valid_loss,"
                + "valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy");
        assertThat(sftLines.getLast().split(",", -1)).hasSize(7);
    }

    private FineTuningJob run(JobCreateParams params) {
        FineTuningJob created = client.fineTuning().jobs().create(params);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
                isTerminal(client.fineTuning().jobs().retrieve(created.id()).status().asString()));
        FineTuningJob done = client.fineTuning().jobs().retrieve(created.id());
        assertThat(done.status().asString()).as("job %s: %s", done.id(), done.error()).isEqualTo("succeeded");
        assertThat(client.fineTuning().jobs().list().data()).extracting(FineTuningJob::id).contains(done.id());
        return done;
    }

    private String results(FineTuningJob job) throws Exception {
        String id = job.resultFiles().getFirst();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/openai/files/" + id
                + "/content?api-version=2024-10-21")).header("api-key", KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    static String chatJsonl() throws Exception {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            for (String q : QUESTIONS) {
                out.append(JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user", "content", q),
                        Map.of("role", "assistant", "content", ANSWER_A))))).append('\n');
            }
        }
        return out.toString();
    }

    static String preferenceJsonl() throws Exception {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            for (String q : QUESTIONS) {
                out.append(JSON.writeValueAsString(Map.of(
                        "input", Map.of("messages", List.of(Map.of("role", "user", "content", q))),
                        "preferred_output", List.of(Map.of("role", "assistant", "content", ANSWER_B)),
                        "non_preferred_output", List.of(Map.of("role", "assistant", "content", ANSWER_A)))))
                        .append('\n');
            }
        }
        return out.toString();
    }

    private String upload(String name, String jsonl) throws Exception {
        return TestServer.uploadProcessed(client, data.resolve(name), jsonl, Duration.ofSeconds(30));
    }

    private String deploy(String name, String model) throws Exception {
        return arm.deploy(name, howToBody(model, 20));
    }

    private String ask(String deployment, String text) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model(deployment)
                .addUserMessage(text).temperature(0.0).maxTokens(16).build()).choices().getFirst().message().content()
                .orElse("").strip();
    }

    private static boolean isTerminal(String status) {
        return status.equals("succeeded") || status.equals("failed") || status.equals("cancelled");
    }
}
