package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.finetuning.alpha.graders.GraderRunParams;
import com.openai.models.finetuning.alpha.graders.GraderRunResponse;
import com.openai.models.finetuning.alpha.graders.GraderValidateParams;
import com.openai.models.graders.gradermodels.StringCheckGrader;
import dev.whetstone.graders.PythonSandbox;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graders/run} and {@code graders/validate} over HTTP, on the OpenAI and Azure paths, with the spec's
 * examples for every grader type. Model graders run on the fixture's {@code chat} deployment (a fake engine whose
 * replies are scripted), so the prompt the grader renders is what selects the reply.
 */
class GradersApiTest {
    private static final String RUN = "/v1/fine_tuning/alpha/graders/run";
    private static final String AZURE_RUN = "/openai/fine_tuning/alpha/graders/run?api-version=2024-10-21";
    private static final String VALIDATE = "/v1/fine_tuning/alpha/graders/validate";
    private static final String STRING_CHECK = "{'type':'string_check','name':'Example string check grader',"
            + "'input':'{{sample.output_text}}','reference':'{{item.label}}','operation':'eq'}";

    @TempDir
    static Path dir;
    static InferenceFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new InferenceFixture(dir);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static String q(String s) {
        return s.replace('\'', '"');
    }

    private static JsonNode ok(String path, String body) throws Exception {
        HttpResponse<String> r = fx.post(path, q(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return InferenceFixture.json(r);
    }

    private static JsonNode bad(String path, String body, String param) throws Exception {
        HttpResponse<String> r = fx.post(path, q(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = InferenceFixture.json(r).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalidPayload");
        assertThat(error.get("param").asText()).isEqualTo(param);
        return error;
    }

    private static String run(String grader, String item, String sample) {
        return "{'grader':" + grader + ",'item':" + item + ",'model_sample':'" + sample + "'}";
    }

    @Test
    void validateEchoesTheSpecExampleOnBothSurfaces() throws Exception {
        JsonNode v = ok(VALIDATE, "{'grader':" + STRING_CHECK + "}");
        assertThat(v.get("grader")).isEqualTo(InferenceFixture.json(fx.post(VALIDATE, q("{'grader':" + STRING_CHECK + "}"))).get("grader"));
        assertThat(v.at("/grader/operation").asText()).isEqualTo("eq");
        assertThat(ok("/openai/fine_tuning/alpha/graders/validate?api-version=2024-10-21", "{'grader':" + STRING_CHECK + "}")
                .at("/grader/name").asText()).isEqualTo("Example string check grader");
        assertThat(fx.post("/openai/fine_tuning/alpha/graders/validate", q("{'grader':" + STRING_CHECK + "}")).statusCode()).isEqualTo(400);
    }

    @Test
    void stringCheckRunHasTheResponseShape() throws Exception {
        JsonNode r = ok(AZURE_RUN, run(STRING_CHECK, "{'label':'Paris'}", "Paris"));
        assertThat(r.get("reward").asDouble()).isEqualTo(1.0);
        JsonNode meta = r.get("metadata");
        assertThat(meta.get("name").asText()).isEqualTo("Example string check grader");
        assertThat(meta.get("type").asText()).isEqualTo("string_check");
        assertThat(meta.get("errors").properties().stream().map(Map.Entry::getKey).toList()).startsWith(
                "formula_parse_error", "sample_parse_error", "truncated_observation_error", "unresponsive_reward_error",
                "invalid_variable_error", "other_error", "python_grader_server_error", "python_grader_server_error_type",
                "python_grader_runtime_error", "python_grader_runtime_error_details", "model_grader_server_error",
                "model_grader_refusal_error", "model_grader_parse_error", "model_grader_server_error_details");
        assertThat(meta.get("execution_time").isNumber()).isTrue();
        assertThat(meta.get("token_usage").isNull()).isTrue();
        assertThat(r.get("sub_rewards").isEmpty()).isTrue();
        assertThat(r.get("model_grader_token_usage_per_model").isEmpty()).isTrue();
        // a row without the label: reward 0, invalid_variable_error, still 200
        JsonNode missing = ok(RUN, run(STRING_CHECK, "{}", "Paris"));
        assertThat(missing.get("reward").asDouble()).isEqualTo(0.0);
        assertThat(missing.at("/metadata/errors/invalid_variable_error").asBoolean()).isTrue();
    }

    @Test
    void textSimilaritySpecExample() throws Exception {
        String g = "{'type':'text_similarity','name':'Example text similarity grader','input':'{{sample.output_text}}',"
                + "'reference':'{{item.label}}','evaluation_metric':'fuzzy_match'}";
        assertThat(ok(RUN, run(g, "{'label':'sitting'}", "kitten")).get("reward").asDouble()).isCloseTo(8.0 / 13, org.assertj.core.data.Offset.offset(1e-12));
        bad(RUN, run(g.replace("fuzzy_match", "cosine"), "{}", "x"), "grader.evaluation_metric");
        JsonNode e = bad(RUN, run(g.replace("fuzzy_match", "jaccard"), "{}", "x"), "grader.evaluation_metric");
        assertThat(e.get("message").asText()).contains("[cosine, fuzzy_match, bleu, gleu, meteor, rouge_1, rouge_2, rouge_3, rouge_4, rouge_5, rouge_l]");
    }

    @Test
    void scoreModelSpecExampleOnADeployment() throws Exception {
        String prompt = "Score how close the reference answer is to the model answer on a 0-1 scale. Return only the score."
                + "\n\nReference answer: fuzzy wuzzy was a bear\n\nModel answer: fuzzy wuzzy was a bear";
        fx.engine.reply(prompt, "1.0");
        String g = "{'type':'score_model','name':'Example score model grader','input':[{'role':'user','content':[{'type':'input_text',"
                + "'text':'Score how close the reference answer is to the model answer on a 0-1 scale. Return only the score.\\n\\n"
                + "Reference answer: {{item.reference_answer}}\\n\\nModel answer: {{sample.output_text}}'}]}],"
                + "'model':'chat','sampling_params':{'temperature':1,'top_p':1,'seed':42}}";
        JsonNode r = ok(RUN, run(g, "{'reference_answer':'fuzzy wuzzy was a bear'}", "fuzzy wuzzy was a bear"));
        assertThat(r.get("reward").asDouble()).as(r.toString()).isEqualTo(1.0);
        assertThat(r.at("/metadata/sampled_model_name").asText()).isEqualTo("tiny-chat.ft-abc");
        JsonNode usage = r.at("/model_grader_token_usage_per_model/tiny-chat.ft-abc");
        assertThat(usage.get("total_tokens").asLong()).isEqualTo(usage.get("prompt_tokens").asLong() + usage.get("completion_tokens").asLong());
        assertThat(r.at("/metadata/token_usage").asLong()).isEqualTo(usage.get("total_tokens").asLong());
        // an unscripted prompt: the fake echoes it back, which holds no score in [0, 1] → parse error, reward 0
        JsonNode echo = ok(RUN, run(g, "{'reference_answer':'other'}", "no"));
        assertThat(echo.at("/metadata/errors/model_grader_parse_error").asBoolean()).as(echo.toString()).isTrue();
        // the spec's model name is no deployment here
        JsonNode e = bad(RUN, run(g.replace("'model':'chat'", "'model':'gpt-5-mini'"), "{}", "x"), "grader.model");
        assertThat(e.get("message").asText()).contains("gpt-5-mini").contains("deployment");
        bad(RUN, run(g.replace("'model':'chat'", "'model':'legacy'"), "{}", "x"), "grader.model");
        bad(RUN, run(g.replace("'type':'input_text'", "'type':'input_image'"), "{}", "x"), "grader.input[0].content[0].type");
    }

    @Test
    void labelModelOnlyInsideMulti() throws Exception {
        String label = "{'name':'First label grader','type':'label_model','model':'chat','input':["
                + "{'type':'message','role':'system','content':{'type':'input_text','text':'Classify the sentiment'}},"
                + "{'type':'message','role':'user','content':{'type':'input_text','text':'Statement: {{sample.output_text}}'}}],"
                + "'passing_labels':['positive'],'labels':['positive','neutral','negative']}";
        JsonNode e = bad(RUN, run(label, "{}", "x"), "grader.type");
        assertThat(e.get("message").asText()).contains("only inside a multi");
        fx.engine.reply("Statement: I love it", "positive");
        String multi = "{'type':'multi','name':'m','graders':{'mood':" + label + ",'exact':" + STRING_CHECK + "},"
                + "'calculate_output':'0.5 * mood + 0.5 * exact'}";
        JsonNode r = ok(RUN, run(multi, "{'label':'I love it'}", "I love it"));
        assertThat(r.get("reward").asDouble()).isEqualTo(1.0);
        assertThat(r.get("sub_rewards").get("mood").asDouble()).isEqualTo(1.0);
        assertThat(r.get("sub_rewards").get("exact").asDouble()).isEqualTo(1.0);
    }

    @Test
    void multiSpecExampleFormulaIsRefusedPrecisely() throws Exception {
        String spec = "{'type':'multi','name':'example multi grader','graders':[{'type':'text_similarity','name':'example text similarity grader',"
                + "'input':'The graded text','reference':'The reference text','evaluation_metric':'fuzzy_match'}," + STRING_CHECK + "],"
                + "'calculate_output':'0.5 * text_similarity_score +  0.5 * string_check_score)'}";
        JsonNode e = bad(VALIDATE, "{'grader':" + spec + "}", "grader.calculate_output");
        assertThat(e.get("message").asText()).contains("text_similarity_score");
        // with the graders' names as the keys the formula uses, the example grades
        String keyed = "{'type':'multi','name':'example multi grader','graders':{'text_similarity_score':{'type':'text_similarity','name':'t',"
                + "'input':'The graded text','reference':'The reference text','evaluation_metric':'fuzzy_match'},'string_check_score':" + STRING_CHECK + "},"
                + "'calculate_output':'0.5 * text_similarity_score +  0.5 * string_check_score'}";
        JsonNode r = ok(RUN, run(keyed, "{'label':'yes'}", "yes"));
        double fuzzy = 2.0 * lcs("The graded text", "The reference text") / ("The graded text".length() + "The reference text".length());
        assertThat(r.get("reward").asDouble()).isCloseTo(0.5 * fuzzy + 0.5, org.assertj.core.data.Offset.offset(1e-12));
    }

    private static int lcs(String a, String b) {
        int[][] t = new int[a.length() + 1][b.length() + 1];
        for (int i = 1; i <= a.length(); i++)
            for (int j = 1; j <= b.length(); j++)
                t[i][j] = a.charAt(i - 1) == b.charAt(j - 1) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
        return t[a.length()][b.length()];
    }

    @Test
    void pythonSpecExampleRunsOrIsRefusedWithTheReason() throws Exception {
        String g = "{'type':'python','name':'Example python grader','image_tag':'2025-05-08','source':'"
                + "def grade(sample: dict, item: dict) -> float:\\n    output = sample.get(\\'output_text\\')\\n"
                + "    label = item.get(\\'label\\')\\n    return 1.0 if output == label else 0.0\\n'}";
        g = g.replace("\\'", "\u0001");
        String body = q(run(g, "{'label':'cat'}", "cat")).replace('\u0001', '\'');
        HttpResponse<String> r = fx.post(RUN, body);
        PythonSandbox sandbox = PythonSandbox.detect();
        if (sandbox.available()) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(InferenceFixture.json(r).get("reward").asDouble()).isEqualTo(1.0);
            HttpResponse<String> boom = fx.post(RUN, body.replace("return 1.0 if", "raise KeyError(7)\\n    return 1.0 if"));
            JsonNode b = InferenceFixture.json(boom);
            assertThat(b.at("/metadata/errors/python_grader_runtime_error").asBoolean()).as(boom.body()).isTrue();
            assertThat(b.at("/metadata/errors/python_grader_runtime_error_details").asText()).contains("KeyError: 7");
        } else {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(InferenceFixture.json(r).at("/error/message").asText()).isEqualTo(sandbox.unavailableReason());
        }
    }

    @Test
    void badRequestsNameTheField() throws Exception {
        bad(RUN, "{'grader':" + STRING_CHECK + ",'item':{}}", "model_sample");
        bad(RUN, "{'grader':" + STRING_CHECK + ",'item':[1],'model_sample':'x'}", "item");
        bad(RUN, "{'model_sample':'x'}", "grader");
        bad(RUN, run(STRING_CHECK.replace("'eq'", "'equals'"), "{}", "x"), "grader.operation");
        bad(VALIDATE, "{'grader':{'type':'multi','name':'m','graders':{'a':" + STRING_CHECK + "},'calculate_output':'a +'}}",
                "grader.calculate_output");
        bad(VALIDATE, "{'grader':{'type':'multi','name':'m','graders':{'a':" + STRING_CHECK.replace("{{item.label}}", "{{label}}") + "},'calculate_output':'a'}}",
                "grader.graders.a.reference");
    }

    @Test
    void openAiJavaRunsAndValidatesInAzureMode() {
        OpenAIClient client = TestServer.azureClient(fx.ts.base, TestServer.KEY);
        StringCheckGrader grader = StringCheckGrader.builder().name("Example string check grader")
                .input("{{sample.output_text}}").reference("{{item.label}}").operation(StringCheckGrader.Operation.EQ).build();
        GraderRunResponse r = client.fineTuning().alpha().graders().run(GraderRunParams.builder().grader(grader)
                .item(JsonValue.from(Map.of("label", "Paris"))).modelSample("Paris").build());
        assertThat(r.reward()).isEqualTo(1.0);
        assertThat(r.metadata().type()).isEqualTo("string_check");
        assertThat(r.metadata().errors().invalidVariableError()).isFalse();
        assertThat(r.metadata().tokenUsage()).isEmpty();
        assertThat(client.fineTuning().alpha().graders().validate(GraderValidateParams.builder().grader(grader).build())
                .grader()).isPresent();
        List.of(r.subRewards(), r.modelGraderTokenUsagePerModel()).forEach(x -> assertThat(x).isNotNull());
    }
}
