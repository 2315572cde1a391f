package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.engine.torch.TorchEngine;
import dev.whetstone.error.ApiException;
import dev.whetstone.server.api.inference.InferenceApiOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * response_format json_schema through the real server and the official client in Azure mode, on the demo
 * tiny-chat model (random weights, so any structure in its replies comes from the constraint): replies that end are
 * JSON valid for the schema, and a schema outside the subset is a 400 naming the keyword's path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StructuredOutputsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    InferenceEngine engine;
    TestServer ts;
    OpenAIClient client;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tiny-chat");
        TorchEngine.createDemoModel(model, "tiny-chat");
        engine = TorchEngine.inferenceEngine(4, 16, Duration.ofSeconds(120));
        LiveDeployment d = new LiveDeployment("weather", "tiny-chat",
                engine.load(new ServingSpec("weather", model, null)), new FakeQuota(), null, null);
        ts = TestServer.withInference(dir.resolve("data"), name -> {
            if (!name.equals("weather")) throw ApiException.notFound("Deployment", name);
            return d;
        }, InferenceApiOptions.defaults().withRequestTimeout(Duration.ofSeconds(120)));
        client = ts.azureClient();
    }

    @AfterAll
    void stop() {
        ts.close();
        engine.close();
    }

    /** {"city": "Paris"|"Oslo", "celsius": integer, "rain": boolean|null, "hours": [integer, ≤ 3]}, strict. */
    private static ResponseFormatJsonSchema weatherFormat(String keyword, Object value) {
        Map<String, Object> celsius = new java.util.LinkedHashMap<>(Map.of("type", "integer"));
        if (keyword != null) celsius.put(keyword, value);
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        properties.put("city", Map.of("type", "string", "enum", List.of("Paris", "Oslo")));
        properties.put("celsius", celsius);
        properties.put("rain", Map.of("type", List.of("boolean", "null")));
        properties.put("hours", Map.of("type", "array", "items", Map.of("type", "integer"), "maxItems", 3));
        return ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("weather_report").strict(true)
                .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(properties))
                        .putAdditionalProperty("required", JsonValue.from(List.copyOf(properties.keySet())))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .build())
                .build()).build();
    }

    private static ChatCompletionCreateParams ask(long seed, ResponseFormatJsonSchema format) {
        return ChatCompletionCreateParams.builder().model("weather").addUserMessage("Weather in Paris?")
                .temperature(1.0).seed(seed).maxTokens(300).responseFormat(format).build();
    }

    @Test
    void repliesThatEndAreValidForTheSchema() throws Exception {
        int finished = 0;
        for (long seed = 1; seed <= 8; seed++) {
            ChatCompletion c = client.chat().completions().create(ask(seed, weatherFormat(null, null)));
            var choice = c.choices().getFirst();
            String content = choice.message().content().orElseThrow();
            if (!choice.finishReason().asString().equals("stop")) {
                assertThat(choice.finishReason().asString()).isEqualTo("length");
                assertThat(content.stripLeading()).startsWith("{");
                continue;
            }
            finished++;
            JsonNode reply = JSON.readTree(content);
            assertThat(reply.isObject()).as(content).isTrue();
            assertThat(reply.properties()).extracting(Map.Entry::getKey).as(content)
                    .containsExactly("city", "celsius", "rain", "hours");
            assertThat(reply.get("city").textValue()).as(content).isIn("Paris", "Oslo");
            assertThat(reply.get("celsius").isIntegralNumber()).as(content).isTrue();
            assertThat(reply.get("rain").isBoolean() || reply.get("rain").isNull()).as(content).isTrue();
            assertThat(reply.get("hours").isArray() && reply.get("hours").size() <= 3).as(content).isTrue();
            for (JsonNode h : reply.get("hours")) assertThat(h.isIntegralNumber()).as(content).isTrue();
        }
        System.out.println("Structured outputs over HTTP, tiny-chat: " + finished + " of 8 replies completed");
        assertThat(finished).as("replies that completed the schema within 300 tokens").isPositive();
    }

    /**
     * tool_choice "required" and named: the call is constrained to a declared function and arguments valid for its
     * parameters (here the weather schema without strict, so its optional property is written too).
     */
    @Test
    void requiredAndNamedCallsHaveDeclaredNamesAndValidArguments() throws Exception {
        var weather = com.openai.models.FunctionDefinition.builder().name("get_weather")
                .parameters(com.openai.models.FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "city", Map.of("type", "string", "enum", List.of("Paris", "Oslo")))))
                        .putAdditionalProperty("required", JsonValue.from(List.of()))
                        .build()).build();
        var time = com.openai.models.FunctionDefinition.builder().name("get_time")
                .parameters(com.openai.models.FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "utc_offset", Map.of("type", "integer"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("utc_offset")))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .build()).strict(true).build();
        int calls = 0;
        for (long seed = 1; seed <= 8; seed++) {
            boolean named = seed % 2 == 0;
            var b = ChatCompletionCreateParams.builder().model("weather").addUserMessage("Weather in Paris?")
                    .temperature(1.0).seed(seed).maxTokens(200)
                    .addTool(com.openai.models.chat.completions.ChatCompletionFunctionTool.builder().function(weather).build())
                    .addTool(com.openai.models.chat.completions.ChatCompletionFunctionTool.builder().function(time).build());
            if (named) {
                b.toolChoice(com.openai.models.chat.completions.ChatCompletionNamedToolChoice.builder()
                        .function(com.openai.models.chat.completions.ChatCompletionNamedToolChoice.Function.builder()
                                .name("get_time").build()).build());
            } else {
                b.toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.REQUIRED);
            }
            var choice = client.chat().completions().create(b.build()).choices().getFirst();
            if (!choice.finishReason().asString().equals("tool_calls")) {
                assertThat(choice.finishReason().asString()).as("seed %d", seed).isEqualTo("length");
                continue;
            }
            calls++;
            var call = choice.message().toolCalls().orElseThrow().getFirst().asFunction().function();
            JsonNode args = JSON.readTree(call.arguments());
            if (named) assertThat(call.name()).isEqualTo("get_time");
            if (call.name().equals("get_time")) {
                assertThat(args.properties()).extracting(Map.Entry::getKey).as(call.arguments()).containsExactly("utc_offset");
                assertThat(args.get("utc_offset").isIntegralNumber()).as(call.arguments()).isTrue();
            } else {
                assertThat(call.name()).isEqualTo("get_weather");
                assertThat(args.properties()).extracting(Map.Entry::getKey).as(call.arguments()).containsExactly("city");
                assertThat(args.get("city").textValue()).as(call.arguments()).isIn("Paris", "Oslo");
            }
        }
        System.out.println("Constrained tool calls over HTTP, tiny-chat: " + calls + " of 8 replies were calls");
        assertThat(calls).as("replies that completed their call within 200 tokens").isPositive();
    }

    @Test
    void anUnsupportedKeywordIsA400NamingItsPath() {
        assertThatThrownBy(() -> client.chat().completions().create(ask(1, weatherFormat("minimum", -90))))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.body().toString())
                            .contains("response_format.json_schema.schema.properties.celsius.minimum")
                            .contains("Unsupported keyword 'minimum'");
                });
    }
}
