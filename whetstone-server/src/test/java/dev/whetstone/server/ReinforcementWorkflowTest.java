package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.howToBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.methods.ReinforcementHyperparameters;
import com.openai.models.finetuning.methods.ReinforcementMethod;
import com.openai.models.finetuning.methods.SupervisedHyperparameters;
import com.openai.models.finetuning.methods.SupervisedMethod;
import com.openai.models.graders.gradermodels.StringCheckGrader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Issue #18's acceptance on the production wiring (SQLite, the real trainer, graders and inference engine, demo
 * model {@code tiny-chat}), driven by openai-java in Azure mode: a reinforcement job whose {@code string_check}
 * grader rewards answers that contain the word "help" (one token of tiny-chat's vocabulary, " help") raises the
 * mean training reward from near 0 to at least 0.8, and the deployed model then answers with the word (greedy).
 *
 * <p>Ten prompts, batch 2, 8 epochs: 40 GRPO steps of 2 × 8 sampled answers (at most 32 tokens each).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReinforcementWorkflowTest {
    static final String KEY = "rft-key";
    static final String WORD = "help";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path data;
    WhetstoneServer server;
    String base;
    OpenAIClient client;
    ArmClient arm;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    FineTuningJob job;

    @BeforeAll
    void train() throws Exception {
        server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true));
        base = "http://127.0.0.1:" + server.port();
        client = TestServer.azureClient(base, KEY);
        arm = new ArmClient(base, KEY);

        String training = upload("prompts.jsonl", prompts(0, 10));
        String validation = upload("valid.jsonl", prompts(100, 3));
        StringCheckGrader grader = StringCheckGrader.builder().name("says-help").input("{{sample.output_text}}")
                .reference("{{item.answer}}").operation(StringCheckGrader.Operation.LIKE).build();
        FineTuningJob created = client.fineTuning().jobs().create(JobCreateParams.builder().model("tiny-chat")
                .trainingFile(training).validationFile(validation).seed(3L)
                .method(JobCreateParams.Method.builder().type(JobCreateParams.Method.Type.REINFORCEMENT)
                        .reinforcement(ReinforcementMethod.builder().grader(grader)
                                .hyperparameters(ReinforcementHyperparameters.builder().nEpochs(8L).batchSize(2L)
                                        .learningRateMultiplier(2.0).evalInterval(10L).evalSamples(3L)
                                        .build())
                                .build())
                        .build())
                .build());
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500)).until(() ->
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
    void theMeanTrainingRewardRisesByAtLeastHalfToAtLeastPointEight() throws Exception {
        List<String> lines = results().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("step,train_loss,train_mean_token_accuracy,valid_loss,"
                + "valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy,train_reward_mean,"
                + "valid_reward_mean,train_kl,train_answer_length");
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            rows.add(Arrays.stream(line.split(",", -1)).mapToDouble(v -> v.isEmpty() ? Double.NaN
                    : Double.parseDouble(v)).toArray());
        }
        assertThat(rows).hasSize(40);
        double first = rows.subList(0, 5).stream().mapToDouble(r -> r[7]).average().orElseThrow();
        double last = rows.subList(35, 40).stream().mapToDouble(r -> r[7]).average().orElseThrow();
        // A statement about learning, not about one CPU's trajectory: how fast the reward leaves the base model's
        // level in the first updates depends on the frozen base's precision (bf16 on bf16 CPUs, fp32 elsewhere).
        System.out.println("ReinforcementWorkflowTest: train_reward_mean by step " + rows.stream().map(r -> r[7]).toList());
        assertThat(last).as("mean reward of the last 5 steps").isGreaterThanOrEqualTo(0.8);
        assertThat(last - first).as("rise of the mean reward from the first 5 steps to the last 5").isGreaterThanOrEqualTo(0.5);
        assertThat(rows.getFirst()[9]).as("KL at the first step (adapter B = 0)").isZero();
        assertThat(rows.getLast()[9]).as("KL at the end").isPositive();
        assertThat(rows.get(9)[8]).as("valid_reward_mean at step 10").isBetween(0.0, 1.0);
        assertThat(rows.get(8)[8]).as("no evaluation at step 9").isNaN();
    }

    @Test
    void theJobReportsTheReinforcementMethodWithResolvedNumbers() {
        FineTuningJob.Method method = job.method().orElseThrow();
        assertThat(method.type().asString()).isEqualTo("reinforcement");
        ReinforcementHyperparameters h = method.reinforcement().orElseThrow().hyperparameters().orElseThrow();
        assertThat(h.nEpochs().orElseThrow().asInteger()).isEqualTo(8);
        assertThat(h.batchSize().orElseThrow().asInteger()).isEqualTo(2);
        assertThat(h.evalInterval().orElseThrow().asInteger()).isEqualTo(10);
        assertThat(h.computeMultiplier().orElseThrow().asNumber()).isEqualTo(1.0);
        assertThat(h.reasoningEffort().orElseThrow().asString()).isEqualTo("default");
        assertThat(method.reinforcement().orElseThrow().grader().stringCheck().orElseThrow().operation().asString())
                .isEqualTo("like");
    }

    @Test
    void theDeployedModelAnswersWithTheRewardedWord() throws Exception {
        assertThat(deploy("rft", job.fineTunedModel().orElseThrow())).isEqualTo("Succeeded");
        for (int i : new int[] {0, 5, 100, 102}) {
            assertThat(ask("rft", question(i))).as("answer to %s", question(i)).contains(WORD);
        }
    }

    /**
     * A score_model grader that is itself a deployment of this service: tiny-chat fine-tuned to reply "1" to any
     * grading prompt, deployed as "scorer". Every answer of a reinforcement job graded by it then scores 1, which
     * only the deployment's replies can produce (the job's own model never sees the grader's prompt).
     */
    @Test
    void aScoreModelGraderRunsOnADeploymentOfThisService() throws Exception {
        String scorerData = upload("scorer.jsonl", scorerLines());
        FineTuningJob scorer = finished(client.fineTuning().jobs().create(JobCreateParams.builder().model("tiny-chat")
                .trainingFile(scorerData).seed(5L)
                .method(JobCreateParams.Method.builder().type(JobCreateParams.Method.Type.SUPERVISED)
                        .supervised(SupervisedMethod.builder().hyperparameters(SupervisedHyperparameters.builder()
                                .nEpochs(3L).batchSize(1L).build()).build()).build())
                .build()).id());
        assertThat(deploy("scorer", scorer.fineTunedModel().orElseThrow())).isEqualTo("Succeeded");

        String grader = "{'type':'score_model','name':'scorer','model':'scorer','range':[0,1],"
                + "'sampling_params':{'temperature':0,'max_completion_tokens':4},"
                + "'input':[{'role':'user','content':'Rate this answer: {{sample.output_text}}'}]}";
        String body = ("{'model':'tiny-chat','training_file':'" + upload("prompts2.jsonl", prompts(0, 10))
                + "','seed':9,'method':{'type':'reinforcement','reinforcement':{'grader':" + grader
                + ",'hyperparameters':{'n_epochs':1,'batch_size':2}}}}").replace('\'', '"');
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/fine_tuning/jobs"))
                .header("api-key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        FineTuningJob rft = finished(JSON.readTree(created.body()).get("id").asText());
        List<String> lines = results(rft).lines().toList();
        assertThat(lines).hasSize(1 + 5);
        for (String line : lines.subList(1, lines.size())) {
            assertThat(Double.parseDouble(line.split(",", -1)[7])).as("train_reward_mean of %s", line).isEqualTo(1.0);
        }
    }

    /** Grading prompts with varied answers, each scored "1". */
    static String scorerLines() throws Exception {
        StringBuilder out = new StringBuilder();
        String[] answers = {"yes", "no idea", "help me", "the sky is blue", "Xbox one", "account settings",
                "random words here", "", "12 34", "Sure, I can do that."};
        for (String a : answers) {
            out.append(JSON.writeValueAsString(Map.of("messages", List.of(
                    Map.of("role", "user", "content", "Rate this answer: " + a),
                    Map.of("role", "assistant", "content", "1"))))).append('\n');
        }
        return out.toString();
    }

    private FineTuningJob finished(String id) {
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500)).until(() ->
                isTerminal(client.fineTuning().jobs().retrieve(id).status().asString()));
        FineTuningJob done = client.fineTuning().jobs().retrieve(id);
        assertThat(done.status().asString()).as("job %s: %s", done.id(), done.error()).isEqualTo("succeeded");
        return done;
    }

    static String question(int i) { return "Question number " + i + "?"; }

    /** Reinforcement prompts: a user question each, the grader's reference in the line's own field. */
    static String prompts(int from, int count) throws Exception {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            out.append(JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user", "content",
                    question(i))), "answer", WORD))).append('\n');
        }
        return out.toString();
    }

    private String results() throws Exception {
        return results(job);
    }

    private String results(FineTuningJob job) throws Exception {
        String id = job.resultFiles().getFirst();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/openai/files/" + id
                + "/content?api-version=2024-10-21")).header("api-key", KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private String upload(String name, String jsonl) throws Exception {
        return TestServer.uploadProcessed(client, data.resolve(name), jsonl, Duration.ofSeconds(30));
    }

    private String deploy(String name, String model) throws Exception {
        return arm.deploy(name, howToBody(model, 20));
    }

    private String ask(String deployment, String text) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model(deployment)
                .addUserMessage(text).temperature(0.0).maxTokens(32).build()).choices().getFirst().message().content()
                .orElse("").strip();
    }

    private static boolean isTerminal(String status) {
        return status.equals("succeeded") || status.equals("failed") || status.equals("cancelled");
    }
}
