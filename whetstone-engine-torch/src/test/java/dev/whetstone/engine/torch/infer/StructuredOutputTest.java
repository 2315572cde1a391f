package dev.whetstone.engine.torch.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.OutputConstraint;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured outputs on a random tiny model, whose logits know nothing of JSON or the schema: over many seeds every
 * reply that ends is valid for the schema (checked by {@link SchemaCheck}, not by the automaton), and every reply
 * cut by max_tokens is a prefix the automaton still accepts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StructuredOutputTest {
    static final String SCHEMA = """
            {"type": "object", "properties": {
              "name": {"type": "string", "enum": ["Ada", "Grace"]},
              "age": {"type": "integer"},
              "score": {"type": ["number", "null"]},
              "color": {"enum": ["red", "green", "blue"]},
              "tags": {"type": "array", "items": {"type": "integer"}, "maxItems": 2},
              "tree": {"$ref": "#/$defs/node"}},
             "required": ["name", "age", "score", "color", "tags", "tree"], "additionalProperties": false,
             "$defs": {"node": {"type": "object", "properties": {"ok": {"type": "boolean"},
                 "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}, "maxItems": 2}},
               "required": ["ok", "kids"], "additionalProperties": false}}}""";
    TorchInferenceEngine engine;
    ServedModel model;

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        Path base = InferFixtures.model(dir.resolve("base"), TinyModelFactory.Arch.LLAMA, 11);
        engine = new TorchInferenceEngine(InferFixtures.options());
        model = engine.load(new ServingSpec("schema", base, null));
    }

    @AfterAll
    void tearDown() { engine.close(); }

    @Test
    void everyFinishedReplyIsValidForTheSchema() throws Exception {
        JsonNode raw = SchemaAutomatonTest.schemaNode(SCHEMA);
        var constraint = new OutputConstraint.JsonSchema(SchemaAutomatonTest.compile(SCHEMA));
        Prompt p = model.chatPrompt(List.of(ChatMessage.text("user", "Describe a person.")));
        int finished = 0;
        for (long seed = 1; seed <= 40; seed++) {
            InferFixtures.Recorder r = new InferFixtures.Recorder();
            model.generate(p, new SamplingOptions(400, 1.0, 1.0, seed, 0, 0, Map.of(), List.of(), -1, constraint), r);
            r = r.result();
            String text = r.text();
            if (r.reason == FinishReason.STOP) {
                finished++;
                assertThat(SchemaAutomatonTest.oracle(raw, text)).as("seed %d: %s", seed, text).isTrue();
            } else {
                assertThat(r.reason).isEqualTo(FinishReason.LENGTH);
                SchemaAutomaton a = new SchemaAutomaton(constraint.schema());
                assertThat(a.accept(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).as("seed %d: %s", seed, text).isTrue();
            }
        }
        System.out.println("Structured outputs, random tiny model: " + finished + " of 40 replies completed within 400 tokens");
        assertThat(finished).as("replies that completed the schema within 400 tokens").isPositive();
    }
}
