package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.methods.ReinforcementHyperparameters;
import com.openai.models.finetuning.methods.ReinforcementMethod;
import com.openai.models.graders.gradermodels.StringCheckGrader;
import dev.whetstone.server.api.Json;
import dev.whetstone.testing.FakeTrainer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code method.type: "reinforcement"} is parsed and checked in full (grader, hyperparameters, response_format),
 * then created: the job echoes its method, grader and hyperparameters (auto until resolved), and the worker hands
 * the trainer a spec with the grader as its reward. A response_format is compiled as chat completions compile it
 * (a 400 with the keyword's path for what cannot be enforced), stored, echoed and handed to the trainer.
 * openai-java's builders create such a job unchanged.
 */
class ReinforcementJobsApiTest {
    private static final String JOBS = "/v1/fine_tuning/jobs";
    private static final String GRADER = "{'type':'string_check','name':'word','input':'{{sample.output_text}}',"
            + "'reference':'{{item.answer}}','operation':'eq'}";

    @TempDir Path dir;
    FakeTrainer trainer = new FakeTrainer();
    TestServer ts;

    String prompts;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.withJobs(dir, trainer, 1, Clock.systemUTC(), 20);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            lines.append("{'messages':[{'role':'user','content':'Say yes, please (").append(i)
                    .append(").'}],'answer':'yes'}\n");
        }
        prompts = new JobClient(ts).upload("prompts.jsonl", lines.toString().replace('\'', '"'));
    }

    @AfterEach
    void stop() {
        trainer.release();
        ts.close();
    }

    private JsonNode error(String method, int status) throws Exception {
        String body = ("{'model':'gpt-35-turbo-0613','training_file':'" + prompts + "','method':" + method + "}")
                .replace('\'', '"');
        HttpResponse<String> r = ts.post(JOBS, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Json.MAPPER.readTree(r.body()).get("error");
    }

    private static String rft(String settings) {
        return "{'type':'reinforcement','reinforcement':" + settings + "}";
    }

    @Test
    void aValidReinforcementJobIsCreatedAndEchoesItsMethod() throws Exception {
        String body = ("{'model':'gpt-35-turbo-0613','training_file':'" + prompts + "','seed':5,'method':"
                + rft("{'grader':" + GRADER + ",'hyperparameters':{'n_epochs':2,'batch_size':'auto',"
                + "'learning_rate_multiplier':0.5,'eval_interval':5,'eval_samples':2,'compute_multiplier':0.5,"
                + "'reasoning_effort':'low'},'response_format':{'type':'text'}}") + "}").replace('\'', '"');
        HttpResponse<String> r = ts.post(JOBS, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode job = Json.MAPPER.readTree(r.body());
        JsonNode method = job.get("method");
        assertThat(method.get("type").asText()).isEqualTo("reinforcement");
        assertThat(method.at("/reinforcement/grader")).isEqualTo(Json.MAPPER.readTree(GRADER.replace('\'', '"')));
        JsonNode h = method.at("/reinforcement/hyperparameters");
        assertThat(h.get("n_epochs").asInt()).isEqualTo(2);
        assertThat(h.get("batch_size").asText()).isEqualTo("auto");
        assertThat(h.get("eval_interval").asInt()).isEqualTo(5);
        assertThat(h.get("compute_multiplier").asDouble()).isEqualTo(0.5);
        assertThat(h.get("reasoning_effort").asText()).isEqualTo("low");

        String id = job.get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> !trainer.specs().isEmpty());
        var spec = trainer.specs().getFirst();
        assertThat(spec.hyperparameters().reinforcementRun()).isTrue();
        assertThat(spec.rewards()).isNotNull();
        // the stored grader, parsed by the worker: {{item.answer}} is 'yes'
        var item = Json.MAPPER.createObjectNode().put("answer", "yes");
        assertThat(spec.rewards().reward("yes", item)).isEqualTo(1.0);
        assertThat(spec.rewards().reward("no", item)).isEqualTo(0.0);
        trainer.release();
        await().atMost(Duration.ofSeconds(30)).until(() -> Json.MAPPER.readTree(ts.get(JOBS + "/" + id).body())
                .at("/method/reinforcement/hyperparameters/batch_size").isInt());
        JsonNode resolved = Json.MAPPER.readTree(ts.get(JOBS + "/" + id).body()).at("/method/reinforcement/hyperparameters");
        assertThat(resolved.get("batch_size").asInt()).isPositive();
        assertThat(resolved.get("eval_samples").asInt()).isEqualTo(2);
        assertThat(resolved.get("compute_multiplier").asDouble()).isEqualTo(0.5);
    }

    @Test
    void aJsonSchemaResponseFormatIsCompiledStoredEchoedAndHandedToTheTrainer() throws Exception {
        String format = "{'type':'json_schema','json_schema':{'name':'answer','strict':true,'schema':{'type':'object',"
                + "'properties':{'word':{'type':'string','enum':['yes','no']}},'required':['word'],"
                + "'additionalProperties':false}}}";
        String grader = "{'type':'string_check','name':'word','input':'{{sample.output_json.word}}',"
                + "'reference':'{{item.answer}}','operation':'eq'}";
        String body = ("{'model':'gpt-35-turbo-0613','training_file':'" + prompts + "','method':"
                + rft("{'grader':" + grader + ",'response_format':" + format + "}") + "}").replace('\'', '"');
        HttpResponse<String> r = ts.post(JOBS, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode expected = Json.MAPPER.readTree(format.replace('\'', '"'));
        JsonNode job = Json.MAPPER.readTree(r.body());
        assertThat(job.at("/method/reinforcement/response_format")).isEqualTo(expected);
        await().atMost(Duration.ofSeconds(30)).until(() -> !trainer.specs().isEmpty());
        var spec = trainer.specs().getFirst();
        assertThat(Json.MAPPER.readTree(spec.hyperparameters().reinforcement().responseFormat())).isEqualTo(expected);
        // the stored job (read back, not the creation reply) still echoes it
        trainer.release();
        assertThat(Json.MAPPER.readTree(ts.get(JOBS + "/" + job.get("id").asText()).body())
                .at("/method/reinforcement/response_format")).isEqualTo(expected);
    }

    @Test
    void textAndJsonObjectFormatsAreAccepted() throws Exception {
        for (String type : new String[] {"text", "json_object"}) {
            String body = ("{'model':'gpt-35-turbo-0613','training_file':'" + prompts + "','method':"
                    + rft("{'grader':" + GRADER + ",'response_format':{'type':'" + type + "'}}") + "}")
                    .replace('\'', '"');
            HttpResponse<String> r = ts.post(JOBS, body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode echoed = Json.MAPPER.readTree(r.body()).at("/method/reinforcement/response_format");
            // text constrains nothing, so nothing is stored or echoed
            if (type.equals("text")) assertThat(echoed.isMissingNode()).isTrue();
            else assertThat(echoed.get("type").asText()).isEqualTo("json_object");
        }
    }

    @Test
    void aSchemaThatCannotBeEnforcedIsRefusedWithItsPath() throws Exception {
        JsonNode e = error(rft("{'grader':" + GRADER + ",'response_format':{'type':'json_schema','json_schema':"
                + "{'name':'a','schema':{'type':'object','properties':{'x':{'type':'string','pattern':'^a'}}}}}}"), 400);
        assertThat(e.get("param").asText())
                .isEqualTo("method.reinforcement.response_format.json_schema.schema.properties.x.pattern");
        assertThat(e.get("message").asText()).contains("pattern");
        e = error(rft("{'grader':" + GRADER + ",'response_format':{'type':'yaml'}}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("method.reinforcement.response_format.type");
        e = error(rft("{'grader':" + GRADER + ",'response_format':{'type':'json_schema'}}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("method.reinforcement.response_format.json_schema");
        assertThat(Json.MAPPER.readTree(ts.get(JOBS).body()).get("data")).isEmpty();
    }

    @Test
    void aChatFileIsRefusedForAReinforcementJob() throws Exception {
        String chat = new JobClient(ts).upload("chat.jsonl", ("{'messages':[{'role':'user','content':'Hi'},"
                + "{'role':'assistant','content':'Hello'}]}\n").repeat(10).replace('\'', '"'));
        String body = ("{'model':'gpt-35-turbo-0613','training_file':'" + chat + "','method':"
                + rft("{'grader':" + GRADER + "}") + "}").replace('\'', '"');
        HttpResponse<String> r = ts.post(JOBS, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode e = Json.MAPPER.readTree(r.body()).get("error");
        assertThat(e.get("param").asText()).isEqualTo("training_file");
        assertThat(e.get("message").asText()).contains("a reinforcement job trains on prompts");
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
            JobCreateParams params = JobCreateParams.builder().model("gpt-35-turbo-0613").trainingFile(prompts)
                    .method(JobCreateParams.Method.builder().type(JobCreateParams.Method.Type.REINFORCEMENT)
                            .reinforcement(ReinforcementMethod.builder().grader(grader)
                                    .hyperparameters(ReinforcementHyperparameters.builder().nEpochs(2).batchSizeAuto()
                                            .evalInterval(5).evalSamples(2).computeMultiplier(1.0)
                                            .reasoningEffort(ReinforcementHyperparameters.ReasoningEffort.LOW).build())
                                    .build())
                            .build())
                    .build();
            var job = client.fineTuning().jobs().create(params);
            var method = job.method().orElseThrow();
            assertThat(method.type().asString()).isEqualTo("reinforcement");
            var h = method.reinforcement().orElseThrow().hyperparameters().orElseThrow();
            assertThat(h.nEpochs().orElseThrow().asInteger()).isEqualTo(2);
            assertThat(h.evalSamples().orElseThrow().asInteger()).isEqualTo(2);
            assertThat(method.reinforcement().orElseThrow().grader().stringCheck().orElseThrow().reference())
                    .isEqualTo("{{item.answer}}");
        } finally {
            client.close();
        }
    }
}
