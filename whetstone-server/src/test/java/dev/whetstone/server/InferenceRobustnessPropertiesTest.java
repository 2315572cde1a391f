package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.server.api.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever body arrives at an inference endpoint — garbage text, or objects mixing the real field names with values
 * of any type — the answer is a 200 or a 4xx in the error envelope, never a 5xx.
 */
class InferenceRobustnessPropertiesTest {
    private static final List<String> PATHS = List.of(InferenceFixture.AZURE_CHAT, InferenceFixture.AZURE_COMPLETIONS,
            "/v1/chat/completions", "/v1/completions");
    private static final List<String> FIELDS = List.of("model", "messages", "prompt", "temperature", "top_p", "n",
            "max_tokens", "max_completion_tokens", "stop", "seed", "presence_penalty", "frequency_penalty", "logit_bias",
            "logprobs", "top_logprobs", "stream", "stream_options", "user", "response_format", "tools", "echo", "best_of",
            "suffix", "role", "content", "type", "text", "image_url", "url", "include_usage", "tool_call_id");
    private static InferenceFixture fx;

    @BeforeContainer
    static void start() throws Exception {
        fx = new InferenceFixture(Files.createTempDirectory("whetstone-inference-props"));
    }

    @AfterContainer
    static void stop() {
        fx.close();
    }

    @Property(tries = 150)
    void structuredBodiesNeverFailTheServer(@ForAll("paths") String path, @ForAll("bodies") JsonNode body) throws Exception {
        check(fx.post(path, body.toString()));
    }

    @Property(tries = 60)
    void garbageNeverFailsTheServer(@ForAll("paths") String path, @ForAll("garbage") String body) throws Exception {
        check(fx.post(path, body));
    }

    private static void check(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isLessThan(500);
        if (r.statusCode() != 200) {
            assertThat(Json.MAPPER.readTree(r.body()).get("error").get("message").asText()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of(PATHS);
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(300),
                Arbitraries.strings().withChars("{}[]\":,0123456789.-eE truefalsnul\\").ofMaxLength(200));
    }

    @Provide
    Arbitrary<JsonNode> bodies() {
        Arbitrary<Map<String, JsonNode>> fields = Arbitraries.maps(Arbitraries.of(FIELDS), value(3)).ofMaxSize(8);
        return fields.map(m -> {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            m.forEach(o::set);
            if (!o.has("model")) o.put("model", "chat");
            return o;
        });
    }

    /** Any JSON value, nested up to {@code depth}; messages-like objects are common so deep checks are reached. */
    private static Arbitrary<JsonNode> value(int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.just(f.nullNode()),
                Arbitraries.of(true, false).map(f::booleanNode),
                Arbitraries.integers().between(-200, 200).map(f::numberNode),
                Arbitraries.longs().map(f::numberNode),
                Arbitraries.doubles().between(-1e6, 1e6).map(f::numberNode),
                Arbitraries.of("user", "assistant", "system", "tool", "developer", "text", "image_url", "json_object",
                        "chat", "legacy", "", "hi there", "https://e.com/a.png", "data:image/png;base64,AAAA").map(f::textNode),
                Arbitraries.strings().ofMaxLength(30).map(f::textNode));
        if (depth == 0) return leaf;
        Arbitrary<JsonNode> array = value(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode a = f.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Arbitraries.maps(Arbitraries.of(FIELDS), value(depth - 1)).ofMaxSize(4).map(m -> {
            ObjectNode o = f.objectNode();
            m.forEach(o::set);
            return o;
        });
        Arbitrary<JsonNode> message = Combinators.combine(Arbitraries.of("user", "assistant", "system", "tool", "bot"),
                value(depth - 1)).as((role, content) -> f.objectNode().put("role", role).set("content", content));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaf), net.jqwik.api.Tuple.of(2, array), net.jqwik.api.Tuple.of(2, object),
                net.jqwik.api.Tuple.of(2, message.list().ofMinSize(1).ofMaxSize(3).map(ms -> {
                    ArrayNode a = f.arrayNode();
                    ms.forEach(a::add);
                    return (JsonNode) a;
                })));
    }
}
