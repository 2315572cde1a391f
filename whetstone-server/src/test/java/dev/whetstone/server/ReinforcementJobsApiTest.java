package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.methods.ReinforcementHyperparameters;
import com.openai.models.finetuning.methods.ReinforcementMethod;
import com.openai.models.graders.gradermodels.StringCheckGrader;
import dev.whetstone.server.api.Json;
import dev.whetstone.testing.FakeTrainer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code method.type: "reinforcement"} is parsed and checked in full (grader, hyperparameters, response_format),
 * then refused with a 400 that says reinforcement training is not available: never accepted and trained as
 * something else. openai-java's builders produce a body that passes every check up to that refusal.
 */
class ReinforcementJobsApiTest {
    private static final String JOBS = "/v1/fine_tuning/jobs";
    private static final String GRADER = "{'type':'string_check','name':'word','input':'{{sample.output_text}}',"
            + "'reference':'{{item.answer}}','operation':'eq'}";

    @TempDir Path dir;
    FakeTrainer trainer = new FakeTrainer();
    TestServer ts;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.withJobs(dir, trainer, 1, Clock.systemUTC(), 20);
    }

    @AfterEach
    void stop() {
        trainer.release();
        ts.close();
    }

    private JsonNode error(String method, int status) throws Exception {
        String body = ("{'model':'gpt-35-turbo-0613','training_file':'file-abc','method':" + method + "}").replace('\'', '"');
        HttpResponse<String> r = ts.post(JOBS, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Json.MAPPER.readTree(r.body()).get("error");
    }

    private static String rft(String settings) {
        return "{'type':'reinforcement','reinforcement':" + settings + "}";
    }

    @Test
    void aValidReinforcementJobIsRefusedAsNotAvailable() throws Exception {
        JsonNode e = error(rft("{'grader':" + GRADER + ",'hyperparameters':{'n_epochs':2,'batch_size':'auto',"
                + "'learning_rate_multiplier':0.5,'eval_interval':5,'eval_samples':2,'compute_multiplier':1.0,'reasoning_effort':'low'},"
                + "'response_format':{'type':'json_schema','json_schema':{'name':'a','schema':{'type':'object'}}}}"), 400);
        assertThat(e.get("code").asText()).isEqualTo("invalidPayload");
        assertThat(e.get("param").asText()).isEqualTo("method.type");
        assertThat(e.get("message").asText()).contains("Reinforcement fine-tuning is not available");
        assertThat(Json.MAPPER.readTree(ts.get(JOBS).body()).get("data")).isEmpty();
        assertThat(trainer.specs()).isEmpty();
    }

    @Test
    void everyFieldIsCheckedBeforeThat() throws Exception {
        assertThat(error("{'type':'reinforcement'}", 400).get("param").asText()).isEqualTo("method.reinforcement");
        assertThat(error(rft("{}"), 400).get("param").asText()).isEqualTo("method.reinforcement.grader");
        assertThat(error(rft("{'grader':" + GRADER.replace("'eq'", "'same'") + "}"), 400).get("param").asText())
                .isEqualTo("method.reinforcement.grader.operation");
        assertThat(error(rft("{'grader':" + GRADER + ",'hyperparameters':{'n_epochs':51}}"), 400).get("param").asText())
                .isEqualTo("method.reinforcement.hyperparameters.n_epochs");
        assertThat(error(rft("{'grader':" + GRADER + ",'hyperparameters':{'batch_size':0}}"), 400).get("param").asText())
                .isEqualTo("method.reinforcement.hyperparameters.batch_size");
        assertThat(error(rft("{'grader':" + GRADER + ",'hyperparameters':{'compute_multiplier':11}}"), 400).get("message").asText())
                .contains("at most 10");
        assertThat(error(rft("{'grader':" + GRADER + ",'hyperparameters':{'eval_interval':0}}"), 400).get("param").asText())
                .isEqualTo("method.reinforcement.hyperparameters.eval_interval");
        assertThat(error(rft("{'grader':" + GRADER + ",'hyperparameters':{'reasoning_effort':'max'}}"), 400).get("message").asText())
                .contains("[default, low, medium, high]");
        assertThat(error(rft("{'grader':" + GRADER + ",'hyperparameters':{'beta':0.1}}"), 400).get("param").asText())
                .isEqualTo("method.reinforcement.hyperparameters.beta");
        assertThat(error(rft("{'grader':" + GRADER + ",'response_format':{'type':'xml'}}"), 400).get("param").asText())
                .isEqualTo("method.reinforcement.response_format.type");
        assertThat(error("{'type':'ppo'}", 400).get("message").asText()).contains("'reinforcement'");
    }

    @Test
    void openAiJavaBuildsTheRequestUnchanged() {
        OpenAIClient client = ts.azureClient();
        try {
            StringCheckGrader grader = StringCheckGrader.builder().name("word").input("{{sample.output_text}}")
                    .reference("{{item.answer}}").operation(StringCheckGrader.Operation.EQ).build();
            JobCreateParams params = JobCreateParams.builder().model("gpt-35-turbo-0613").trainingFile("file-abc")
                    .method(JobCreateParams.Method.builder().type(JobCreateParams.Method.Type.REINFORCEMENT)
                            .reinforcement(ReinforcementMethod.builder().grader(grader)
                                    .hyperparameters(ReinforcementHyperparameters.builder().nEpochs(2).batchSizeAuto()
                                            .evalInterval(5).evalSamples(2).computeMultiplier(1.0)
                                            .reasoningEffort(ReinforcementHyperparameters.ReasoningEffort.LOW).build())
                                    .build())
                            .build())
                    .build();
            assertThatThrownBy(() -> client.fineTuning().jobs().create(params))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("Reinforcement fine-tuning is not available");
                    });
        } finally {
            client.close();
        }
    }
}
