package dev.whetstone.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat lines with function calling: what is accepted, how legacy forms convert, and every refusal's field. */
class ToolCallExamplesTest {
    private final TrainingExampleParser parser = new TrainingExampleParser();

    static final String WEATHER = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather"
            + " now\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}";
    static final String TIME = "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}";
    static final String USER = "{\"role\":\"user\",\"content\":\"Weather in Paris?\"}";

    static String call(String id, String name, String arguments) {
        return "{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":"
                + arguments + "}}";
    }

    static String calls(String... calls) {
        return "{\"role\":\"assistant\",\"tool_calls\":[" + String.join(",", calls) + "]}";
    }

    static String result(String id, String content) {
        return "{\"role\":\"tool\",\"tool_call_id\":\"" + id + "\",\"content\":\"" + content + "\"}";
    }

    static final String FINAL = "{\"role\":\"assistant\",\"content\":\"Sunny, 21 C.\"}";

    static String line(String tools, String... messages) {
        return "{\"messages\":[" + String.join(",", messages) + "]" + (tools == null ? "" : ",\"tools\":[" + tools + "]") + "}";
    }

    private InvalidExampleException reject(String line) {
        InvalidExampleException e = catchThrowableOfType(InvalidExampleException.class, () -> parser.parse(line));
        assertThat(e).as("expected %s to be rejected", line).isNotNull();
        return e;
    }

    @Test
    void parsesToolsCallsAndResults() {
        ChatExample ex = (ChatExample) parser.parse(line(WEATHER + "," + TIME, USER,
                calls(call("c1", "get_weather", "\"{\\\"city\\\": \\\"Paris\\\"}\""), call("c2", "get_time", "\"{}\"")),
                result("c1", "21 C sunny"), result("c2", "14:00"), FINAL));
        assertThat(ex.tools()).extracting(ToolDefinition::name).containsExactly("get_weather", "get_time");
        assertThat(ex.tools().getFirst().json().toString()).isEqualTo(WEATHER);
        assertThat(ex.parallelToolCalls()).isNull();
        ChatMessage calling = ex.messages().get(1);
        assertThat(calling.toolCalls()).containsExactly(new ToolCall("c1", "get_weather", "{\"city\": \"Paris\"}"),
                new ToolCall("c2", "get_time", "{}"));
        assertThat(calling.text()).isEmpty();
        assertThat(calling.trained()).as("tool calls are trained like text").isTrue();
        assertThat(ex.messages().get(2)).extracting(ChatMessage::role, ChatMessage::toolCallId, ChatMessage::text)
                .containsExactly("tool", "c1", "21 C sunny");
        assertThat(ex.messages().get(2).trained()).isFalse();
    }

    @Test
    void declarationsAreKeptInOneKeyOrderWhateverTheClientWrote() {
        String reordered = "{\"function\":{\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                + "\"required\":[\"city\"]},\"description\":\"Weather now\",\"name\":\"get_weather\"},\"type\":\"function\"}";
        ChatExample ex = (ChatExample) parser.parse(line(reordered, USER, FINAL));
        assertThat(ex.tools().getFirst().json().toString()).isEqualTo(WEATHER);
    }

    @Test
    void anAssistantMayWriteTextBesideItsCallsAndCarryAWeight() {
        ChatExample ex = (ChatExample) parser.parse(line(WEATHER, USER,
                "{\"role\":\"assistant\",\"content\":\"Let me look.\",\"weight\":0,\"tool_calls\":["
                        + call("c1", "get_weather", "\"{\\\"city\\\":\\\"Paris\\\"}\"") + "]}",
                result("c1", "sunny"), FINAL));
        assertThat(ex.messages().get(1).text()).isEqualTo("Let me look.");
        assertThat(ex.messages().get(1).trained()).isFalse();
        assertThat(ex.messages().get(1).toolCalls()).hasSize(1);
    }

    @Test
    void legacyFunctionsConvertToTheToolsShape() {
        ChatExample ex = (ChatExample) parser.parse("{\"messages\":[" + USER + ","
                + "{\"role\":\"assistant\",\"content\":null,\"function_call\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},"
                + "{\"role\":\"function\",\"name\":\"get_weather\",\"content\":\"sunny\"}," + FINAL + "],"
                + "\"functions\":[{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}]}");
        assertThat(ex.tools().getFirst().json().toString())
                .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}");
        assertThat(ex.messages().get(1).toolCalls()).containsExactly(new ToolCall(null, "get_weather", "{\"city\":\"Paris\"}"));
        assertThat(ex.messages().get(2)).extracting(ChatMessage::role, ChatMessage::name, ChatMessage::toolCallId)
                .containsExactly("tool", "get_weather", null);
    }

    @Test
    void refusesEveryMalformedDeclarationNamingTheField() {
        expect(reject(line("{\"type\":\"function\",\"function\":{\"name\":\"a b\"}}", USER, FINAL)),
                "tools[0].function.name", "function name 'a b' must be 1 to 64 letters, digits, underscores or dashes");
        expect(reject(line(TIME + "," + TIME, USER, FINAL)), "tools[1].function.name", "the function 'get_time' is declared twice");
        expect(reject(line("{\"type\":\"retrieval\"}", USER, FINAL)), "tools[0].type", "unknown tool type 'retrieval'; allowed: function");
        expect(reject(line("{\"type\":\"function\"}", USER, FINAL)), "tools[0].function",
                "function is required: an object {\"name\", \"description\"?, \"parameters\"?}");
        expect(reject(line("{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":[]}}", USER, FINAL)),
                "tools[0].function.parameters", "parameters must be a JSON Schema object, found an array");
        expect(reject(line("{\"type\":\"function\",\"function\":{\"name\":\"f\",\"params\":{}}}", USER, FINAL)),
                "tools[0].function.params", "unknown key 'params'; allowed: name, description, parameters, strict");
        expect(reject("{\"messages\":[" + USER + "," + FINAL + "],\"tools\":{}}"), "tools",
                "tools must be an array of function definitions, found an object");
        expect(reject("{\"messages\":[" + USER + "," + FINAL + "],\"tools\":[" + TIME + "],\"functions\":[{\"name\":\"f\"}]}"),
                "functions", "give either tools or the legacy functions, not both");
        expect(reject("{\"messages\":[" + USER + "," + FINAL + "],\"parallel_tool_calls\":\"yes\"}"),
                "parallel_tool_calls", "parallel_tool_calls must be true or false, found a string");
    }

    @Test
    void refusesEveryMalformedCallNamingTheField() {
        expect(reject(line(WEATHER, USER, calls(call("c1", "get_time", "\"{}\"")), result("c1", "x"), FINAL)),
                "messages[1].tool_calls[0].function.name",
                "the message calls 'get_time', which the line's tools do not declare; declared: get_weather");
        expect(reject(line(null, USER, calls(call("c1", "get_time", "\"{}\"")), result("c1", "x"), FINAL)),
                "messages[1].tool_calls[0].function.name",
                "the message calls 'get_time', but the line declares no tools; list the functions in a top-level \"tools\" array");
        expect(reject(line(TIME, USER, calls(call("c1", "get_time", "{}")), result("c1", "x"), FINAL)),
                "messages[1].tool_calls[0].function.arguments",
                "arguments must be a string holding JSON (the object serialised, such as \"{\\\"city\\\": \\\"Paris\\\"}\"), found an object");
        expect(reject(line(TIME, USER, calls(call("c1", "get_time", "\"{not json\"")), result("c1", "x"), FINAL)),
                "messages[1].tool_calls[0].function.arguments", "arguments must be the JSON text of an object, found text that is not JSON: {not json");
        expect(reject(line(TIME, USER, calls(call("c1", "get_time", "\"[1]\"")), result("c1", "x"), FINAL)),
                "messages[1].tool_calls[0].function.arguments", "arguments must be the JSON text of an object, found an array: [1]");
        expect(reject(line(TIME, USER, calls(call("c1", "get_time", "null")), FINAL)),
                "messages[1].tool_calls[0].function.arguments", "arguments is required: the JSON text of an object, such as \"{}\"");
        expect(reject(line(TIME, USER, calls("{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}"), FINAL)),
                "messages[1].tool_calls[0].id", "id is required");
        expect(reject(line(TIME, USER, calls(call("c1", "get_time", "\"{}\""), call("c1", "get_time", "\"{}\"")), FINAL)),
                "messages[1].tool_calls[1].id", "the call id 'c1' is used twice in this line; each call needs its own id, which its tool message names");
        expect(reject(line(TIME, USER, calls("{\"id\":\"c\",\"type\":\"code\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}"), FINAL)),
                "messages[1].tool_calls[0].type", "unknown tool call type 'code'; allowed: function");
        expect(reject(line(TIME, USER, "{\"role\":\"assistant\",\"tool_calls\":[]}", FINAL)),
                "messages[1].tool_calls", "tool_calls must be a non-empty array of calls, found an empty array");
        expect(reject(line(TIME, "{\"role\":\"user\",\"content\":\"x\",\"tool_calls\":[" + call("c", "get_time", "\"{}\"") + "]}", FINAL)),
                "messages[0].tool_calls", "tool_calls is only allowed on assistant messages, not on user messages");
        expect(reject("{\"messages\":[" + USER + "," + calls(call("c1", "get_time", "\"{}\""), call("c2", "get_time", "\"{}\""))
                        + "," + result("c1", "a") + "," + result("c2", "b") + "," + FINAL + "],\"tools\":[" + TIME + "],\"parallel_tool_calls\":false}"),
                "messages[1].tool_calls", "the line sets parallel_tool_calls to false, but this message makes 2 calls at once");
    }

    @Test
    void refusesResultsThatAnswerNoCall() {
        expect(reject(line(TIME, USER, calls(call("c1", "get_time", "\"{}\"")), result("c9", "x"), FINAL)),
                "messages[2].tool_call_id", "no earlier assistant message makes a call with id 'c9'; calls so far: c1");
        expect(reject(line(TIME, USER, result("c1", "x"), calls(call("c1", "get_time", "\"{}\"")), FINAL)),
                "messages[1].tool_call_id", "no earlier assistant message makes a call with id 'c1'");
        expect(reject(line(TIME, USER, calls(call("c1", "get_time", "\"{}\"")), result("c1", "x"), result("c1", "y"), FINAL)),
                "messages[3].tool_call_id", "the call 'c1' is already answered by an earlier tool message");
        expect(reject(line(TIME, USER, "{\"role\":\"assistant\",\"content\":\"x\",\"tool_call_id\":\"c1\"}")),
                "messages[1].tool_call_id", "tool_call_id is only allowed on tool messages, not on assistant messages");
        expect(reject("{\"messages\":[" + USER + ",{\"role\":\"function\",\"content\":\"x\"}," + FINAL
                        + "],\"functions\":[{\"name\":\"f\"}]}"),
                "messages[1].name", "name is required on a function message: the function whose result it carries");
        expect(reject(line(TIME, USER, calls(call("c1", "get_time", "\"{}\"")),
                        "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"x\",\"weight\":1}", FINAL)),
                "messages[2].weight", "weight is only allowed on assistant messages, not on tool messages");
    }

    @Test
    void estimatesCountTheCallsAndTheDeclarations() {
        TrainingExample withTools = parser.parse(line(WEATHER, USER, calls(call("c1", "get_weather",
                "\"{\\\"city\\\": \\\"Paris\\\"}\"")), result("c1", "sunny"), FINAL));
        long chars = "Weather in Paris?".length() + "Sunny, 21 C.".length() + WEATHER.length() + "get_weather".length()
                + "{\"city\": \"Paris\"}".length() + "sunny".length();
        assertThat(TokenEstimate.of(withTools)).isEqualTo((chars + 3) / 4);
    }

    private static void expect(InvalidExampleException e, String field, String reason) {
        assertThat(e).extracting(InvalidExampleException::field, InvalidExampleException::reason).containsExactly(field, reason);
    }

}
