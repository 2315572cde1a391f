package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.JobCreateParams;
import dev.whetstone.server.api.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function calling end to end on the service as {@code whetstone serve} builds it: {@code tiny-chat} is fine-tuned
 * through openai-java (Azure mode) on tool-call lines, deployed, and then called with {@code tools}: it calls the
 * right function with the right arguments, whole and streamed, honours {@code tool_choice}, and answers the tool's
 * result in text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolCallingWorkflowTest {
    static final String KEY = "tools-key";
    static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather"
            + " in a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"]}}},{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"description\":"
            + "\"Time in a time zone\",\"parameters\":{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\"}},"
            + "\"required\":[\"zone\"]}}}]";
    static final List<String> CITIES = List.of("Paris", "Rome", "Oslo", "Lima", "Cairo", "Tokyo");
    static final List<String> ZONES = List.of("UTC", "CET", "EST", "PST", "JST", "IST");

    @TempDir static Path data;
    WhetstoneServer server;
    OpenAIClient client;
    ArmClient arm;

    static String weatherLine(int i) {
        String city = CITIES.get(i);
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in " + city + "?\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"w" + i + "\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"" + city + "\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"w" + i + "\",\"content\":\"" + (15 + i) + " C\"},"
                + "{\"role\":\"assistant\",\"content\":\"It is " + (15 + i) + " C in " + city + ".\"}],"
                + "\"tools\":" + TOOLS + "}\n";
    }

    static String timeLine(int i) {
        String zone = ZONES.get(i);
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"Time in " + zone + "?\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"t" + i + "\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_time\",\"arguments\":\"{\\\"zone\\\": \\\"" + zone + "\\\"}\"}}]}],"
                + "\"tools\":" + TOOLS + "}\n";
    }

    @BeforeAll
    void fineTuneOnToolCalls() throws Exception {
        server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(60), true));
        String base = "http://127.0.0.1:" + server.port();
        client = TestServer.azureClient(base, KEY);
        arm = new ArmClient(base, KEY);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < CITIES.size(); i++) lines.append(weatherLine(i)).append(timeLine(i));
        Path file = data.resolve("tools.jsonl");
        Files.writeString(file, lines.toString(), StandardCharsets.UTF_8);
        String training = client.files().create(FileCreateParams.builder().file(file).purpose(FilePurpose.FINE_TUNE).build()).id();
        await().atMost(Duration.ofSeconds(30)).until(() -> !client.files().retrieve(training).status().asString().equals("pending")
                && !client.files().retrieve(training).status().asString().equals("running"));
        assertThat(client.files().retrieve(training).status().asString())
                .as("%s", client.files().retrieve(training).statusDetails()).isEqualTo("processed");
        // Twelve lines that share a ~400-character tools block and differ in one word of the question, which the
        // call must copy: more epochs and a higher rate than "auto" (9 epochs, 1.0) so that the random
        // 12M-parameter model learns each exact call.
        FineTuningJob created = client.fineTuning().jobs().create(JobCreateParams.builder().model("tiny-chat")
                .trainingFile(training).seed(7L).hyperparameters(JobCreateParams.Hyperparameters.builder()
                        .nEpochs(40L).learningRateMultiplier(2.0).build()).build());
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofMillis(500)).until(() ->
                List.of("succeeded", "failed", "cancelled").contains(client.fineTuning().jobs().retrieve(created.id()).status().asString()));
        FineTuningJob job = client.fineTuning().jobs().retrieve(created.id());
        assertThat(job.status().asString()).as("job %s: %s", job.id(), job.error()).isEqualTo("succeeded");
        var put = arm.put("weather-bot", ArmClient.howToBody(job.fineTunedModel().orElseThrow(), 50));
        assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
        await().atMost(Duration.ofSeconds(60)).until(() -> ArmClient.json(arm.get("weather-bot"))
                .at("/properties/provisioningState").asText().matches("Succeeded|Failed"));
        assertThat(ArmClient.json(arm.get("weather-bot")).at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
    }

    @AfterAll
    void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    static ChatCompletionCreateParams.Builder ask(String question) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model("weather-bot")
                .addUserMessage(question).temperature(0.0).maxTokens(100);
        b.addFunctionTool(function("get_weather", "Weather in a city", "city"));
        b.addFunctionTool(function("get_time", "Time in a time zone", "zone"));
        return b;
    }

    /** The same declarations as the training lines, built with the SDK (key order as there). */
    static FunctionDefinition function(String name, String description, String parameter) {
        return FunctionDefinition.builder().name(name).description(description)
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(parameter, Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of(parameter))).build())
                .build();
    }

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    /**
     * The fine-tuned model calls the function the question is about, with arguments that are a JSON object of the
     * declared parameter holding one of the values it was trained on. Which trained value it copies is not asserted
     * here: the 12M-parameter random model learns that copy with no margin — trained over fp32 frozen weights (CPUs
     * without bf16) it answered Lima for Paris where machines with AVX-512 BF16 (bf16 frozen weights) answered
     * Paris, and 50 epochs at 3.0 instead of 40 at 2.0 gave Oslo for Tokyo and IST for EST — a property of the
     * tiny model and the CPU's rounding, not of the service, whose part (the call's id, name, JSON arguments, the
     * streamed deltas adding up to the whole answer's call) this class asserts exactly.
     */
    @Test
    void theFineTunedModelCallsTheRightFunctionWithTheRightArguments() throws Exception {
        for (String city : List.of("Paris", "Tokyo")) {
            ChatCompletion c = client.chat().completions().create(ask("Weather in " + city + "?").build());
            var choice = c.choices().getFirst();
            assertThat(choice.finishReason().asString()).as("%s", choice.message()).isEqualTo("tool_calls");
            assertThat(choice.message().content()).isEmpty();
            ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
            assertThat(call.id()).startsWith("call_");
            assertThat(call.function().name()).isEqualTo("get_weather");
            assertTrainedArgument(call.function().arguments(), "city", CITIES);
        }
        ChatCompletion time = client.chat().completions().create(ask("Time in JST?").build());
        var call = time.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_time");
        assertTrainedArgument(call.function().arguments(), "zone", ZONES);
    }

    /** {@code arguments} is a JSON object with exactly {@code parameter}, whose value is one of {@code trained}. */
    static void assertTrainedArgument(String arguments, String parameter, List<String> trained) throws Exception {
        JsonNode args = json(arguments);
        assertThat(args.isObject()).as(arguments).isTrue();
        List<String> names = new ArrayList<>();
        args.fieldNames().forEachRemaining(names::add);
        assertThat(names).as(arguments).containsExactly(parameter);
        assertThat(trained).as(arguments).contains(args.get(parameter).asText());
    }

    @Test
    void streamedCallsArriveAsOpenAiSendsThem() throws Exception {
        Map<Long, String> names = new TreeMap<>();
        Map<Long, StringBuilder> arguments = new TreeMap<>();
        List<String> finishes = new ArrayList<>();
        StringBuilder content = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask("Weather in Rome?").build())) {
            s.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                choice.delta().content().ifPresent(content::append);
                choice.delta().toolCalls().ifPresent(calls -> calls.forEach(tc -> {
                    tc.function().flatMap(f -> f.name()).ifPresent(n -> {
                        assertThat(tc.id()).as("the first delta of a call carries its id").isPresent();
                        names.put(tc.index(), n);
                    });
                    tc.function().flatMap(f -> f.arguments()).ifPresent(a ->
                            arguments.computeIfAbsent(tc.index(), k -> new StringBuilder()).append(a));
                }));
                choice.finishReason().ifPresent(f -> finishes.add(f.asString()));
            }));
        }
        assertThat(content.toString()).isEmpty();
        assertThat(names).containsExactly(Map.entry(0L, "get_weather"));
        assertTrainedArgument(arguments.get(0L).toString(), "city", CITIES);
        // the streamed deltas add up to exactly the call the whole (non-streamed) answer carries
        ChatCompletion whole = client.chat().completions().create(ask("Weather in Rome?").build());
        assertThat(json(arguments.get(0L).toString())).isEqualTo(json(
                whole.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction().function()
                        .arguments()));
        assertThat(finishes).containsExactly("tool_calls");
    }

    /**
     * The call and the tool's result go back through the template and the model answers in text, in the trained
     * form. Which city and temperature it writes is not asserted: copying values out of a tool result is beyond
     * what this random 12M-parameter model learns from six examples (it answered "It is 20 C in Tokyo." for Oslo),
     * while the calls above it learns exactly.
     */
    @Test
    void theToolsResultIsAnsweredWithText() {
        ChatCompletion first = client.chat().completions().create(ask("Weather in Oslo?").build());
        var message = first.choices().getFirst().message();
        String id = message.toolCalls().orElseThrow().getFirst().asFunction().id();
        ChatCompletion second = client.chat().completions().create(ask("Weather in Oslo?")
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(id).content("17 C").build())
                .build());
        assertThat(second.choices().getFirst().finishReason().asString()).isEqualTo("stop");
        assertThat(second.choices().getFirst().message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(second.choices().getFirst().message().content().orElseThrow().strip())
                .matches("It is [0-9]+ C in (" + String.join("|", CITIES) + ")\\.");
    }

    /** JSON mode through the API on a real served model: sampled replies that end are JSON objects. */
    @Test
    void jsonModeRepliesAreJsonObjects() throws Exception {
        int finished = 0;
        for (long seed = 1; seed <= 6; seed++) {
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("weather-bot").addUserMessage("Weather in Paris, as JSON?").temperature(1.0).seed(seed)
                    .maxTokens(300).responseFormat(com.openai.models.ResponseFormatJsonObject.builder().build()).build());
            var choice = c.choices().getFirst();
            String content = choice.message().content().orElseThrow();
            if (choice.finishReason().asString().equals("stop")) {
                finished++;
                assertThat(json(content).isObject()).as(content).isTrue();
            } else {
                assertThat(choice.finishReason().asString()).isEqualTo("length");
                assertThat(content.stripLeading()).startsWith("{");
            }
        }
        assertThat(finished).as("replies that closed their object").isPositive();
    }

    @Test
    void toolChoiceIsHonoured() throws Exception {
        ChatCompletion none = client.chat().completions().create(ask("Weather in Lima?")
                .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).build());
        assertThat(none.choices().getFirst().message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(none.choices().getFirst().finishReason().asString()).isNotEqualTo("tool_calls");

        ChatCompletion required = client.chat().completions().create(ask("Weather in Cairo?")
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        var call = required.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertTrainedArgument(call.function().arguments(), "city", CITIES);

        ChatCompletion named = client.chat().completions().create(ask("Time in EST?")
                .toolChoice(ChatCompletionNamedToolChoice.builder().function(
                        ChatCompletionNamedToolChoice.Function.builder().name("get_time").build()).build())
                .parallelToolCalls(false).build());
        var namedCall = named.choices().getFirst().message().toolCalls().orElseThrow();
        assertThat(namedCall).hasSize(1);
        assertThat(namedCall.getFirst().asFunction().function().name()).isEqualTo("get_time");
        assertTrainedArgument(namedCall.getFirst().asFunction().function().arguments(), "zone", ZONES);
    }
}
