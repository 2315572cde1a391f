package dev.whetstone.graders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.error.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GradersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A grader model that answers from a script and records what it was asked. */
    static final class ScriptedModel implements GraderModel {
        final List<List<ChatMessage>> asked = new ArrayList<>();
        String reply = "0.75";

        @Override
        public void check(String model, String param) {
            if (!model.equals("judge")) throw ApiException.invalid(param, "no deployment " + model);
        }

        @Override
        public Reply complete(String model, List<ChatMessage> messages, Grader.ModelSampling sampling) {
            asked.add(messages);
            return new Reply(reply, "judge-model", 20, 3);
        }
    }

    private final ScriptedModel model = new ScriptedModel();
    private final PythonSandbox noPython = PythonSandbox.unavailable("no python here");
    private final GraderParser parser = new GraderParser(model, noPython);
    private final GraderRunner runner = new GraderRunner(model, noPython);

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static GradingSample sample(String output, String item) {
        return GradingSample.of(output, (ObjectNode) json(item));
    }

    private GradeResult run(String grader, String output, String item) {
        return runner.run(parser.parse(json(grader), "grader"), sample(output, item));
    }

    private ApiException refused(String grader) {
        try {
            parser.parse(json(grader), "grader");
        } catch (ApiException e) {
            assertThat(e.code().httpStatus()).isEqualTo(400);
            return e;
        }
        throw new AssertionError("accepted: " + grader);
    }

    @Test
    void stringCheckOperationsAndTemplates() {
        String eq = "{'type':'string_check','name':'g','input':'{{sample.output_text}}','reference':'{{item.label}}','operation':'%s'}";
        assertThat(run(eq.formatted("eq"), "Paris", "{'label':'Paris'}").reward()).isEqualTo(1.0);
        assertThat(run(eq.formatted("eq"), "paris", "{'label':'Paris'}").reward()).isEqualTo(0.0);
        assertThat(run(eq.formatted("ne"), "paris", "{'label':'Paris'}").reward()).isEqualTo(1.0);
        assertThat(run(eq.formatted("like"), "It is Paris.", "{'label':'Paris'}").reward()).isEqualTo(1.0);
        assertThat(run(eq.formatted("like"), "It is PARIS.", "{'label':'Paris'}").reward()).isEqualTo(0.0);
        assertThat(run(eq.formatted("ilike"), "It is PARIS.", "{'label':'Paris'}").reward()).isEqualTo(1.0);
        // nested item paths, numbers rendered as text, output_json paths, spaces inside the braces
        String nested = "{'type':'string_check','name':'g','input':'{{ sample.output_json.city }}-{{item.n}}','reference':'{{item.a.b.0}}','operation':'eq'}";
        assertThat(run(nested, "{\"city\":\"Rome\"}", "{'n':3,'a':{'b':['Rome-3']}}").reward()).isEqualTo(1.0);
        // a missing variable is the sample's failure, not the grader's: reward 0 and invalid_variable_error
        GradeResult missing = run(nested, "not json", "{'n':3,'a':{'b':['Rome-3']}}");
        assertThat(missing.reward()).isEqualTo(0.0);
        assertThat(missing.errors()).containsExactly(GradeError.INVALID_VARIABLE);
        assertThat(missing.details().get("message")).contains("sample.output_json.city");
    }

    @Test
    void badGradersAreRefusedNamingTheField() {
        assertThat(refused("{'type':'string_check','name':'g','input':'x','reference':'y','operation':'contains'}").param())
                .isEqualTo("grader.operation");
        assertThat(refused("{'type':'string_check','name':'g','input':'x','reference':'y','operation':'contains'}").getMessage())
                .contains("[eq, ne, like, ilike]");
        assertThat(refused("{'type':'string_check','name':'g','input':'x','operation':'eq'}").param()).isEqualTo("grader.reference");
        assertThat(refused("{'type':'string_check','input':'x','reference':'y','operation':'eq'}").param()).isEqualTo("grader.name");
        assertThat(refused("{'type':'string_check','name':'g','input':'{{item.x','reference':'y','operation':'eq'}").param()).isEqualTo("grader.input");
        assertThat(refused("{'type':'string_check','name':'g','input':'{{sample.text}}','reference':'y','operation':'eq'}").getMessage())
                .contains("sample.output_text");
        assertThat(refused("{'type':'regex','name':'g'}").param()).isEqualTo("grader.type");
        assertThat(refused("{'type':'label_model','name':'g'}").getMessage()).contains("only inside a multi");
        assertThat(refused("{'type':'text_similarity','name':'g','input':'a','reference':'b','evaluation_metric':'cosine'}").getMessage())
                .contains("no embedding model");
        assertThat(refused("{'type':'text_similarity','name':'g','input':'a','reference':'b','evaluation_metric':'rouge_6'}").getMessage())
                .contains("rouge_5").contains("rouge_l");
        assertThat(refused("[1]").param()).isEqualTo("grader");
    }

    @Test
    void textSimilarityUsesTheMetric() {
        String g = "{'type':'text_similarity','name':'g','input':'{{sample.output_text}}','reference':'{{item.ref}}','evaluation_metric':'%s'}";
        assertThat(run(g.formatted("fuzzy_match"), "kitten", "{'ref':'sitting'}").reward()).isCloseTo(8.0 / 13, within(1e-12));
        assertThat(run(g.formatted("rouge_1"), "a b c", "{'ref':'a b d'}").reward()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void multiCombinesNamedGradersByFormula() {
        String m = "{'type':'multi','name':'m','graders':{"
                + "'exact':{'type':'string_check','name':'e','input':'{{sample.output_text}}','reference':'{{item.label}}','operation':'eq'},"
                + "'close':{'type':'text_similarity','name':'c','input':'{{sample.output_text}}','reference':'{{item.label}}','evaluation_metric':'fuzzy_match'}},"
                + "'calculate_output':'0.5 * exact + 0.5 * max(close, 0) ^ 2'}";
        GradeResult r = run(m, "kitten", "{'label':'sitting'}");
        assertThat(r.reward()).isCloseTo(0.5 * Math.pow(8.0 / 13, 2), within(1e-12));
        assertThat(r.subRewards()).containsOnlyKeys("exact", "close");
        // list form: graders named by their name
        String list = "{'type':'multi','name':'m','graders':[{'type':'string_check','name':'a','input':'x','reference':'x','operation':'eq'},"
                + "{'type':'string_check','name':'b','input':'x','reference':'y','operation':'eq'}],'calculate_output':'(a + b) / 2'}";
        assertThat(run(list, "z", "{}").reward()).isEqualTo(0.5);
        // division by zero at run time: 0 with other_error
        String div = list.replace("(a + b) / 2", "a / b");
        assertThat(run(div, "z", "{}").errors()).containsExactly(GradeError.OTHER);
        // the spec's own example formula has an unbalanced ')' and names no grader: refused at validation
        String spec = list.replace("(a + b) / 2", "0.5 * text_similarity_score +  0.5 * string_check_score)");
        ApiException e = refused(spec);
        assertThat(e.param()).isEqualTo("grader.calculate_output");
        assertThat(e.getMessage()).contains("text_similarity_score").contains("[a, b]");
        assertThat(refused(list.replace("'name':'b'", "'name':'a'")).getMessage()).contains("named 'a'");
        assertThat(refused("{'type':'multi','name':'m','graders':{'x':{'type':'multi','name':'i','graders':[],'calculate_output':'1'}},'calculate_output':'x'}").getMessage())
                .contains("cannot contain another multi");
    }

    @Test
    void formulaGrammar() {
        Set<String> names = Set.of("a", "b");
        Map<String, Double> v = Map.of("a", 0.25, "b", 4.0);
        assertThat(Formula.parse("-b^0.5", names, "f").evaluate(v)).isEqualTo(-2.0);
        assertThat(Formula.parse("2^3^2", names, "f").evaluate(v)).isEqualTo(512.0);
        assertThat(Formula.parse("a - b - 1", names, "f").evaluate(v)).isEqualTo(-4.75);
        assertThat(Formula.parse("min(a, b, 3) + abs(-1) + floor(2.7) + ceil(2.1) + sqrt(b) + exp(0) + log(1) + 1e-1",
                names, "f").evaluate(v)).isCloseTo(0.25 + 1 + 2 + 3 + 2 + 1 + 0 + 0.1, within(1e-12));
        for (String bad : List.of("a +", "(a", "a b", "sqrt(a, b)", "__import__('os')", "a; b", "1..2", "")) {
            assertThatThrownBy(() -> Formula.parse(bad, names, "f")).isInstanceOf(ApiException.class);
        }
        assertThatThrownBy(() -> Formula.parse("(".repeat(500) + "a" + ")".repeat(500), names, "f"))
                .isInstanceOf(ApiException.class).hasMessageContaining("nested");
    }

    @Test
    void scoreModelRendersTheMessagesAndParsesTheScore() {
        // the spec's "Score text alignment" example, with our deployment name
        String g = "{'type':'score_model','name':'Example score model grader','input':[{'role':'user','content':[{'type':'input_text',"
                + "'text':'Reference answer: {{item.reference_answer}}\\n\\nModel answer: {{sample.output_text}}'}]}],"
                + "'model':'judge','sampling_params':{'temperature':1,'top_p':1,'seed':42}}";
        GradeResult r = run(g, "fuzzy wuzzy was a bear", "{'reference_answer':'fuzzy wuzzy was a bear'}");
        assertThat(r.reward()).isEqualTo(0.75);
        assertThat(model.asked.get(0).get(0).text()).isEqualTo("Reference answer: fuzzy wuzzy was a bear\n\nModel answer: fuzzy wuzzy was a bear");
        assertThat(r.sampledModelName()).isEqualTo("judge-model");
        assertThat(r.totalTokens()).isEqualTo(23L);
        model.reply = "{\"steps\": [], \"result\": 0.5}";
        assertThat(run(g, "x", "{'reference_answer':'y'}").reward()).isEqualTo(0.5);
        model.reply = "I refuse to score";
        assertThat(run(g, "x", "{'reference_answer':'y'}").errors()).containsExactly(GradeError.MODEL_PARSE);
        model.reply = "Score: 0.8";
        assertThat(run(g, "x", "{'reference_answer':'y'}").reward()).isEqualTo(0.8);
        model.reply = "between 0.2 and 0.8";
        assertThat(run(g, "x", "{'reference_answer':'y'}").errors()).containsExactly(GradeError.MODEL_PARSE);
        model.reply = "7";
        assertThat(run(g, "x", "{'reference_answer':'y'}").errors()).containsExactly(GradeError.MODEL_PARSE);
        assertThat(run(g.replace("'model':'judge'", "'range':[0,10],'model':'judge'"), "x", "{'reference_answer':'y'}").reward()).isEqualTo(7.0);
        assertThat(refused(g.replace("'model':'judge'", "'model':'nowhere'")).param()).isEqualTo("grader.model");
        assertThat(refused(g.replace("'input_text'", "'input_image'")).getMessage()).contains("images or audio");
        assertThat(refused(g.replace("'temperature':1", "'temperature':5")).param()).isEqualTo("grader.sampling_params.temperature");
        assertThat(refused(g.replace("'model':'judge'", "'range':[1,0],'model':'judge'")).param()).isEqualTo("grader.range");
    }

    @Test
    void labelModelInsideMulti() {
        // the spec's label_model example, inside a multi (where the spec allows it)
        String label = "{'name':'First label grader','type':'label_model','model':'judge','input':["
                + "{'type':'message','role':'system','content':{'type':'input_text','text':'Classify the sentiment as one of positive, neutral, or negative'}},"
                + "{'type':'message','role':'user','content':{'type':'input_text','text':'Statement: {{sample.output_text}}'}}],"
                + "'passing_labels':['positive'],'labels':['positive','neutral','negative']}";
        String m = "{'type':'multi','name':'m','graders':{'mood':" + label + "},'calculate_output':'mood'}";
        model.reply = "Positive.";
        assertThat(run(m, "I love it", "{}").reward()).isEqualTo(1.0);
        model.reply = "{\"result\": \"neutral\"}";
        assertThat(run(m, "ok", "{}").reward()).isEqualTo(0.0);
        model.reply = "positive or negative";
        assertThat(run(m, "ok", "{}").errors()).containsExactly(GradeError.MODEL_PARSE);
        assertThat(refused(m.replace("'passing_labels':['positive']", "'passing_labels':['great']")).param())
                .isEqualTo("grader.graders.mood.passing_labels");
    }

    @Test
    void pythonGradersAreRefusedWithoutASandbox() {
        ApiException e = refused("{'type':'python','name':'p','source':'def grade(sample, item):\\n    return 1.0\\n'}");
        assertThat(e.getMessage()).isEqualTo("no python here");
    }
}
