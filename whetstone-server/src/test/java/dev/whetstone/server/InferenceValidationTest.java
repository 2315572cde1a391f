package dev.whetstone.server;

import static dev.whetstone.server.InferenceFixture.AZURE_CHAT;
import static dev.whetstone.server.InferenceFixture.AZURE_COMPLETIONS;
import static dev.whetstone.server.InferenceFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refused request field: 400 invalidPayload, the field in {@code param}, and a message saying what is allowed. */
class InferenceValidationTest {
    private static final String USER = "[{\"role\":\"user\",\"content\":\"hi\"}]";
    private static InferenceFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new InferenceFixture(Files.createTempDirectory("whetstone-validation"));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static final String F = "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}";

    static Stream<Arguments> chatCases() {
        return Stream.of(
                chat("{}", "messages", "messages is required"),
                chat("{\"messages\":\"hi\"}", "messages", "must be an array"),
                chat("{\"messages\":[]}", "messages", "at least one message"),
                chat("{\"messages\":[3]}", "messages[0]", "must be an object"),
                chat("{\"messages\":[{\"content\":\"x\"}]}", "messages[0].role", "role is required; allowed: system, developer, user, assistant, tool, function"),
                chat("{\"messages\":[{\"role\":\"bot\",\"content\":\"x\"}]}", "messages[0].role", "unknown role 'bot'"),
                chat("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"user\"}]}", "messages[1].content", "content is required"),
                chat("{\"messages\":[{\"role\":\"user\",\"content\":7}]}", "messages[0].content", "must be a string or an array of parts"),
                chat("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}", "messages[0].content[0].type", "unknown content part type 'audio'"),
                chat("{\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://e.com/a.png\"}}]}]}",
                        "messages[0].content[0]", "images are only allowed in user messages"),
                chat("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://x\"}}]}]}",
                        "messages[0].content[0].image_url.url", "unsupported image url"),
                chat("{\"messages\":[{\"role\":\"tool\",\"content\":\"4\"}]}", "messages[0].tool_call_id", "tool_call_id is required"),
                chat("{\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\"}]}]}", "messages[0].tool_calls[0].function", "function is required"),
                chat("{\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"[1]\"}}]}]}",
                        "messages[0].tool_calls[0].function.arguments", "arguments must be the JSON text of an object, found an array"),
                chat("{\"messages\":[{\"role\":\"function\",\"content\":\"4\"}]}", "messages[0].name", "name is required on a function message"),
                chat(with("\"temperature\":2.5"), "temperature", "'temperature' must be a number from 0 to 2, got 2.5"),
                chat(with("\"temperature\":\"hot\""), "temperature", "must be a number from 0 to 2"),
                chat(with("\"top_p\":1.1"), "top_p", "'top_p' must be a number from 0 to 1"),
                chat(with("\"n\":0"), "n", "'n' must be an integer from 1 to 128, got 0"),
                chat(with("\"n\":129"), "n", "from 1 to 128"),
                chat(with("\"n\":1.5"), "n", "must be an integer"),
                chat(with("\"max_tokens\":0"), "max_tokens", "'max_tokens' must be an integer from 1"),
                chat(with("\"max_completion_tokens\":-3"), "max_completion_tokens", "must be an integer from 1"),
                chat(with("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]"), "stop", "an array of 1 to 4 strings"),
                chat(with("\"stop\":[\"a\",3]"), "stop[1]", "stop[1] is not a non-empty string"),
                chat(with("\"stop\":{}"), "stop", "must be a string or an array"),
                chat(with("\"seed\":\"x\""), "seed", "'seed' must be a 64-bit integer"),
                chat(with("\"seed\":1e30"), "seed", "64-bit integer"),
                chat(with("\"presence_penalty\":-2.5"), "presence_penalty", "from -2 to 2"),
                chat(with("\"frequency_penalty\":3"), "frequency_penalty", "from -2 to 2"),
                chat(with("\"logit_bias\":[1]"), "logit_bias", "must be an object mapping token ids"),
                chat(with("\"logit_bias\":{\"abc\":1}"), "logit_bias.abc", "token ids"),
                chat(with("\"logit_bias\":{\"50256\":-101}"), "logit_bias.50256", "from -100 to 100"),
                chat(with("\"logprobs\":\"yes\""), "logprobs", "'logprobs' must be true or false"),
                chat(with("\"top_logprobs\":3"), "top_logprobs", "requires \"logprobs\": true"),
                chat(with("\"logprobs\":true,\"top_logprobs\":21"), "top_logprobs", "from 0 to 20"),
                chat(with("\"stream\":1"), "stream", "must be true or false"),
                chat(with("\"stream_options\":{\"include_usage\":true}"), "stream_options", "only allowed together with \"stream\": true"),
                chat(with("\"stream\":true,\"stream_options\":{\"include_usage\":\"y\"}"), "stream_options.include_usage", "true or false"),
                chat(with("\"response_format\":{\"type\":\"json_object\"}"), "messages", "must contain the word 'json'"),
                chat("{\"messages\":[{\"role\":\"user\",\"content\":\"Answer in JSON.\"}],\"response_format\":{\"type\":\"json_object\"},"
                        + "\"tools\":[" + F + "]}", "response_format", "cannot be combined with tools"),
                chat(with("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}"), "response_format.json_schema.schema", "is required"),
                chat(with("\"response_format\":{\"type\":\"json_schema\"}"), "response_format.json_schema", "must be an object with 'name' and 'schema'"),
                chat(with("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a b\",\"schema\":{\"type\":\"object\"}}}"),
                        "response_format.json_schema.name", "a-z, A-Z, 0-9, underscores and dashes"),
                chat(with("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"strict\":true,\"schema\":"
                        + "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"^x\"}},\"required\":[\"a\"],"
                        + "\"additionalProperties\":false}}}"), "response_format.json_schema.schema.properties.a.pattern", "Unsupported keyword 'pattern'"),
                chat(with("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"strict\":true,\"schema\":"
                        + "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[]}}}"),
                        "response_format.json_schema.schema.required", "every property must be required"),
                chat("{\"messages\":" + USER + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\","
                        + "\"schema\":{\"type\":\"object\"}}},\"tools\":[" + F + "]}", "response_format", "'json_schema' cannot be combined with tools"),
                chat(with("\"response_format\":{\"type\":\"yaml\"}"), "response_format.type", "allowed: text, json_object, json_schema"),
                chat(with("\"response_format\":\"text\""), "response_format", "must be an object"),
                chat(with("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]"), "tools", "whose chat template has no tools support"),
                chat(with("\"functions\":[{\"name\":\"f\"}]"), "functions", "whose chat template has no tools support"),
                chat(with("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a b\"}}]"), "tools[0].function.name", "must be 1 to 64 letters"),
                chat(with("\"tools\":{}"), "tools", "tools must be an array of function definitions"),
                chat(with("\"tools\":[" + F + "],\"tool_choice\":\"sometimes\""), "tool_choice", "'tool_choice' must be \"none\", \"auto\", \"required\""),
                chat(with("\"tools\":[" + F + "],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}"), "tool_choice.function.name", "names 'g', which is not among the declared functions: f"),
                chat(with("\"tools\":[" + F + "],\"tool_choice\":{\"type\":\"code\"}"), "tool_choice.type", "must be \"function\""),
                chat(with("\"tool_choice\":\"required\""), "tool_choice", "the request has no 'tools' to call"),
                chat(with("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"), "tool_choice.function.name", "the request has no tools"),
                chat(with("\"tools\":[" + F + "],\"parallel_tool_calls\":\"no\""), "parallel_tool_calls", "must be true or false"),
                chat(with("\"functions\":[{\"name\":\"f\"}],\"function_call\":\"required\""), "function_call", "'function_call' must be \"none\", \"auto\" or {\"name\": …}"),
                chat(with("\"tools\":[" + F + "],\"tool_choice\":\"none\",\"function_call\":\"none\""), "function_call", "either 'tool_choice' or the legacy 'function_call'"),
                chat(with("\"data_sources\":[{\"type\":\"azure_search\"}]"), "data_sources", "not supported"),
                Arguments.of(AZURE_CHAT, "[1,2]", null, "must be a JSON object"),
                Arguments.of(AZURE_CHAT, "{\"messages\":", null, "not valid JSON"));
    }

    static Stream<Arguments> completionCases() {
        return Stream.of(
                completion("{}", "prompt", "'prompt' is required"),
                completion("{\"prompt\":[]}", "prompt", "a string or an array of strings"),
                completion("{\"prompt\":[\"a\",[1,2]]}", "prompt[1]", "token-id prompts are not supported"),
                completion("{\"prompt\":\"a\",\"suffix\":\"z\"}", "suffix", "'suffix' (insertion) is not supported"),
                completion("{\"prompt\":\"a\",\"logprobs\":6}", "logprobs", "'logprobs' must be an integer from 0 to 5"),
                completion("{\"prompt\":\"a\",\"logprobs\":true}", "logprobs", "must be an integer from 0 to 5"),
                completion("{\"prompt\":\"a\",\"echo\":\"yes\"}", "echo", "true or false"),
                completion("{\"prompt\":\"a\",\"best_of\":21}", "best_of", "from 1 to 20"),
                completion("{\"prompt\":\"a\",\"n\":3,\"best_of\":2}", "best_of", "must be at least 'n' (3)"),
                completion("{\"prompt\":\"a\",\"best_of\":3,\"stream\":true}", "best_of", "cannot be streamed"),
                completion("{\"prompt\":\"a\",\"temperature\":-1}", "temperature", "from 0 to 2"),
                completion("{\"prompt\":[\"a\",\"b\",\"c\"],\"n\":50}", "prompt", "3 prompts × 50 choices each would start 150 generations; at most 128"),
                completion("{\"prompt\":\"" + "w ".repeat(600) + "\"}", "prompt", "leaving no room for an answer"));
    }

    @ParameterizedTest(name = "{2}: {1}")
    @MethodSource({"chatCases", "completionCases"})
    void isRefusedNamingTheField(String path, String body, String param, String message) throws Exception {
        HttpResponse<String> r = fx.post(path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalidPayload");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        if (param == null) assertThat(error.get("param").isNull()).isTrue();
        else assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).contains(message);
    }

    private static Arguments chat(String body, String param, String message) {
        return Arguments.of(AZURE_CHAT, body, param, message);
    }

    private static Arguments completion(String body, String param, String message) {
        return Arguments.of(AZURE_COMPLETIONS, body, param, message);
    }

    private static String with(String fields) {
        return "{\"messages\":" + USER + "," + fields + "}";
    }
}
