package dev.whetstone.engine.torch.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.inference.schema.CompiledSchema;
import dev.whetstone.engine.inference.schema.JsonSchemaCompiler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The structured-outputs automaton against {@link SchemaCheck} (JSON Schema validation written for the test, over
 * Jackson's parse): random valid instances are accepted, and every random mutation it still accepts is valid JSON
 * valid for the schema.
 */
class SchemaAutomatonTest {
    /** Every keyword of the subset: nesting, enums, const, nullable, anyOf, bounded arrays, recursive $ref. */
    static final String SCHEMA = """
            {"type": "object", "properties": {
              "name": {"type": "string"},
              "age": {"type": "integer"},
              "score": {"type": ["number", "null"]},
              "color": {"type": "string", "enum": ["red", "green", "blé"]},
              "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
              "ok": {"type": "boolean"},
              "kind": {"const": {"v": [1, true]}},
              "pick": {"anyOf": [{"type": "integer"}, {"type": "object", "properties": {"a": {"type": "null"}},
                        "required": ["a"], "additionalProperties": false}]},
              "tree": {"$ref": "#/$defs/node"}},
             "required": ["name", "age", "score", "color", "tags", "ok", "kind", "pick", "tree"],
             "additionalProperties": false,
             "$defs": {"node": {"type": "object", "properties": {"value": {"type": "integer"},
                 "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
               "required": ["value", "children"], "additionalProperties": false}}}""";

    static JsonNode schemaNode(String schema) throws Exception { return SchemaCheck.JSON.readTree(schema); }

    static CompiledSchema compile(String schema) throws Exception {
        var format = SchemaCheck.JSON.createObjectNode().put("name", "test").put("strict", true);
        format.set("schema", schemaNode(schema));
        return JsonSchemaCompiler.compile(format, "json_schema");
    }

    static boolean automaton(CompiledSchema schema, String text) {
        SchemaAutomaton a = new SchemaAutomaton(schema);
        return a.accept(text.getBytes(StandardCharsets.UTF_8)) && a.complete();
    }

    /** The same, one byte at a time: the generic path, where whole byte arrays take a fast path through strings. */
    static boolean bytewise(CompiledSchema schema, String text) {
        SchemaAutomaton a = new SchemaAutomaton(schema);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (!a.accept(b & 0xFF)) return false;
        }
        return a.complete();
    }

    static boolean oracle(JsonNode schema, String text) {
        if (!JsonAutomatonTest.jackson(text)) return false;
        try {
            return SchemaCheck.valid(SchemaCheck.JSON.readTree(text), schema, schema);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void handPickedCases() throws Exception {
        CompiledSchema s = compile(SCHEMA);
        JsonNode raw = schemaNode(SCHEMA);
        String ok = "{\"name\": \"x\", \"age\": -3, \"score\": null, \"color\": \"blé\", \"tags\": [\"a\"], \"ok\": true,"
                + " \"kind\": {\"v\":[1,true]}, \"pick\": {\"a\": null}, \"tree\": {\"value\": 1, \"children\": "
                + "[{\"value\": 2, \"children\": []}]}}";
        assertThat(automaton(s, ok)).isTrue();
        assertThat(oracle(raw, ok)).isTrue();
        List<String[]> bad = List.of(
                new String[] {"\"age\": -3", "\"age\": 1.5"},          // integer with a fraction
                new String[] {"\"age\": -3", "\"age\": 1e3"},          // integer with an exponent
                new String[] {"\"score\": null", "\"score\": \"1\""},  // neither number nor null
                new String[] {"\"blé\"", "\"blue\""},                  // not in the enum
                new String[] {"[\"a\"]", "[]"},                        // below minItems
                new String[] {"[\"a\"]", "[\"a\",\"b\",\"c\",\"d\"]"}, // above maxItems
                new String[] {"{\"v\":[1,true]}", "{\"v\":[1,false]}"}, // not the const
                new String[] {"{\"a\": null}", "{\"a\": 1}"},          // no anyOf option fits
                new String[] {"\"children\": []}]", "\"children\": [1]}]"}, // recursion keeps its schema
                new String[] {"\"ok\": true,", "\"ok\": true, \"extra\": 1,"}); // additionalProperties false
        for (String[] edit : bad) {
            String text = ok.replace(edit[0], edit[1]);
            assertThat(text).isNotEqualTo(ok);
            assertThat(automaton(s, text)).as(text).isFalse();
            assertThat(oracle(raw, text)).as(text).isFalse();
        }
        // Valid JSON Schema instances the automaton refuses by design: properties out of schema order, a missing
        // property is invalid anyway (required), whitespace after the object.
        String swapped = ok.replace("\"name\": \"x\", \"age\": -3", "\"age\": -3, \"name\": \"x\"");
        assertThat(oracle(raw, swapped)).isTrue();
        assertThat(automaton(s, swapped)).isFalse();
        assertThat(automaton(s, ok + " ")).isFalse();
        assertThat(automaton(s, ok.replace("\"name\": \"x\", ", ""))).isFalse();
    }

    @Test
    void numbersHaveBoundedDigitsSoAModelCannotSpendItsBudgetOnOne() throws Exception {
        CompiledSchema s = compile("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\"}},"
                + "\"required\":[\"n\"],\"additionalProperties\":false}");
        String max = "9".repeat(SchemaAutomaton.MAX_DIGITS);
        for (String ok : List.of(max, "-" + max + "." + max + "e-999", "0.5E+10")) {
            assertThat(automaton(s, "{\"n\":" + ok + "}")).as(ok).isTrue();
        }
        for (String bad : List.of(max + "9", "1." + max + "1", "1e1000", "-", "1.", "01")) {
            assertThat(automaton(s, "{\"n\":" + bad + "}")).as(bad).isFalse();
        }
    }

    @Test
    void aFunctionCallAfterItsForcedPrefix() throws Exception {
        // tool_choice "required" in Hermes syntax: after '<tool_call>\n{"name": "' one of the functions' name rest,
        // its arguments, and the call's closing; nothing else.
        CompiledSchema weather = compile("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                + "\"required\":[\"city\"],\"additionalProperties\":false}");
        CompiledSchema time = compile("{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}");
        List<byte[]> leads = List.of("get_weather\", \"arguments\": ".getBytes(StandardCharsets.UTF_8),
                "get_time\", \"arguments\": ".getBytes(StandardCharsets.UTF_8));
        byte[] end = "}\n</tool_call>".getBytes(StandardCharsets.UTF_8);
        java.util.function.Predicate<String> call = t -> {
            SchemaAutomaton a = new SchemaAutomaton(leads, List.of(weather, time), end);
            return a.accept(t.getBytes(StandardCharsets.UTF_8)) && a.complete();
        };
        assertThat(call.test("get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>")).isTrue();
        assertThat(call.test("get_time\", \"arguments\": {}}\n</tool_call>")).isTrue();
        assertThat(call.test("get_time\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>")).isFalse();
        assertThat(call.test("get_weather\", \"arguments\": {}}\n</tool_call>")).isFalse();
        assertThat(call.test("get_news\", \"arguments\": {}}\n</tool_call>")).isFalse();
        assertThat(call.test("get_time\", \"arguments\": {}}")).isFalse();
        // A named choice: the prefix already holds the name, so the reply starts at the arguments.
        SchemaAutomaton named = new SchemaAutomaton(List.of(new byte[0]), List.of(time), end);
        assertThat(named.accept("{}}\n</tool_call>".getBytes(StandardCharsets.UTF_8)) && named.complete()).isTrue();
    }

    @Test
    void acceptsRandomInstancesAndOnlyValidMutations() throws Exception {
        CompiledSchema s = compile(SCHEMA);
        JsonNode raw = schemaNode(SCHEMA);
        Random rnd = new Random(7);
        String alphabet = "{}[],:\" \\0123456789.-+eEtrufalsenx";
        int acceptedMutations = 0;
        for (int i = 0; i < 600; i++) {
            String text = SchemaCheck.write(SchemaCheck.instance(raw, raw, rnd, 0), rnd);
            assertThat(oracle(raw, text)).as(text).isTrue();
            assertThat(automaton(s, text)).as(text).isTrue();
            for (int m = 0; m < 10; m++) {
                StringBuilder mutated = new StringBuilder(text);
                int at = rnd.nextInt(mutated.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> mutated.deleteCharAt(at);
                    case 1 -> mutated.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    default -> mutated.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
                String t = mutated.toString();
                assertThat(bytewise(s, t)).as(t).isEqualTo(automaton(s, t));
                if (automaton(s, t)) {
                    acceptedMutations++;
                    assertThat(oracle(raw, t)).as("accepted but invalid: %s", t).isTrue();
                }
            }
        }
        // Mutations inside strings and numbers keep documents valid; the check above must have had some to see.
        assertThat(acceptedMutations).isPositive();
    }

    @Test
    void everyPrefixOfAValidInstanceCanBeContinued() throws Exception {
        // The mask relies on this: the automaton never enters a state from which no document can be completed.
        CompiledSchema s = compile(SCHEMA);
        JsonNode raw = schemaNode(SCHEMA);
        Random rnd = new Random(3);
        for (int i = 0; i < 50; i++) {
            byte[] text = SchemaCheck.write(SchemaCheck.instance(raw, raw, rnd, 0), rnd).getBytes(StandardCharsets.UTF_8);
            SchemaAutomaton a = new SchemaAutomaton(s);
            for (byte b : text) assertThat(a.accept(new byte[] {b})).isTrue();
            assertThat(a.complete()).isTrue();
        }
    }

    @Test
    void recursionStopsAtTheDepthBoundWithAWayOut() throws Exception {
        // A tree whose children array is required: beyond MAX_DEPTH only "[]" can be written, never another node.
        CompiledSchema s = compile(SCHEMA);
        String deep = ("{\"name\":\"\",\"age\":0,\"score\":0,\"color\":\"red\",\"tags\":[\"\"],"
                + "\"ok\":false,\"kind\":{\"v\":[1,true]},\"pick\":0,\"tree\":");
        SchemaAutomaton a = new SchemaAutomaton(s);
        assertThat(a.accept(deep.getBytes(StandardCharsets.UTF_8))).isTrue();
        int nodes = 0;
        byte[] node = "{\"value\":0,\"children\":[".getBytes(StandardCharsets.UTF_8);
        while (true) {
            SchemaAutomaton probe = new SchemaAutomaton(s);
            probe.copyFrom(a);
            if (!probe.accept(node)) break;
            a.accept(node);
            nodes++;
        }
        // The root object plus an object and an array per node: all within the bound, and the bound reached.
        assertThat(1 + 2 * nodes).isLessThanOrEqualTo(CompiledSchema.MAX_DEPTH).isGreaterThan(CompiledSchema.MAX_DEPTH - 2);
        // From the deepest state the document can still be finished.
        assertThat(a.accept(("]}".repeat(nodes) + "}").getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(a.complete()).isTrue();
    }
}
