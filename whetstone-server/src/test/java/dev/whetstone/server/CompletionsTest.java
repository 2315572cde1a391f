package dev.whetstone.server;

import static dev.whetstone.server.InferenceFixture.AZURE_COMPLETIONS;
import static dev.whetstone.server.InferenceFixture.events;
import static dev.whetstone.server.InferenceFixture.json;
import static dev.whetstone.server.InferenceFixture.streamedText;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.inference.SamplingOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Completions (docs/reference/API.md 6.2). The fake answers a raw prompt with "echo: " + the whole prompt, so the generated text
 * shows which prompt a choice belongs to.
 */
class CompletionsTest {
    @TempDir Path dir;
    InferenceFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = new InferenceFixture(dir);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void aPromptIsCompletedInTheTextCompletionShape() throws Exception {
        HttpResponse<String> r = fx.post(AZURE_COMPLETIONS, "{\"prompt\":\"Once upon\",\"max_tokens\":5}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("id").asText()).startsWith("cmpl-");
        assertThat(body.get("object").asText()).isEqualTo("text_completion");
        assertThat(body.get("model").asText()).isEqualTo("tiny-completion");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("text").asText()).isEqualTo("echo: Once upon");
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("logprobs").isNull()).isTrue();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.get("prompt_filter_results")).hasSize(1);
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(2);
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void theDefaultLimitIsSixteenTokens() throws Exception {
        HttpResponse<String> r = fx.post("/v1/completions", "{\"model\":\"legacy\",\"prompt\":\"" + "w ".repeat(30).trim() + "\"}");
        JsonNode choice = json(r).get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(json(r).get("usage").get("completion_tokens").asInt()).isEqualTo(16);
    }

    @Test
    void promptArraysTimesNAreIndexedPromptByPrompt() throws Exception {
        HttpResponse<String> r = fx.post(AZURE_COMPLETIONS, "{\"prompt\":[\"first\",\"second\"],\"n\":2,\"seed\":7}");
        JsonNode body = json(r);
        JsonNode choices = body.get("choices");
        assertThat(choices).extracting(c -> c.get("index").asInt()).containsExactly(0, 1, 2, 3);
        assertThat(choices).extracting(c -> c.get("text").asText())
                .containsExactly("echo: first", "echo: first", "echo: second", "echo: second");
        assertThat(body.get("prompt_filter_results")).extracting(p -> p.get("prompt_index").asInt()).containsExactly(0, 1);
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(2);
        assertThat(fx.legacy.options).extracting(SamplingOptions::seed).containsExactlyInAnyOrder(7L, 8L, 9L, 10L);
    }

    @Test
    void echoPutsThePromptFirstAndLogprobsCountOffsetsFromIt() throws Exception {
        HttpResponse<String> r = fx.post(AZURE_COMPLETIONS, "{\"prompt\":\"Hi\",\"echo\":true,\"logprobs\":2}");
        JsonNode choice = json(r).get("choices").get(0);
        assertThat(choice.get("text").asText()).isEqualTo("Hiecho: Hi");
        JsonNode lp = choice.get("logprobs");
        assertThat(lp.get("tokens")).extracting(JsonNode::asText).containsExactly("echo:", " Hi");
        assertThat(lp.get("token_logprobs")).extracting(JsonNode::asDouble).containsExactly(-0.5, -0.5);
        assertThat(lp.get("text_offset")).extracting(JsonNode::asInt).containsExactly(2, 7);
        assertThat(lp.get("top_logprobs").get(1).get(" Hi").asDouble()).isEqualTo(-0.5);
        assertThat(lp.get("top_logprobs").get(1).get("alt1").asDouble()).isEqualTo(-1.5);
        assertThat(fx.legacy.options.getLast().topLogprobs()).isEqualTo(2);
    }

    @Test
    void bestOfGeneratesMoreAndReturnsN() throws Exception {
        HttpResponse<String> r = fx.post(AZURE_COMPLETIONS, "{\"prompt\":[\"a\",\"b\"],\"best_of\":3,\"n\":1}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choices = json(r).get("choices");
        assertThat(choices).extracting(c -> c.get("text").asText()).containsExactly("echo: a", "echo: b");
        assertThat(choices).extracting(c -> c.get("index").asInt()).containsExactly(0, 1);
        assertThat(choices.get(0).get("logprobs").isNull()).isTrue(); // ranked by logprobs, not asked for
        assertThat(fx.legacy.options).hasSize(6).allSatisfy(o -> assertThat(o.topLogprobs()).isZero());
        assertThat(json(r).get("usage").get("completion_tokens").asInt()).isEqualTo(12);
    }

    @Test
    void streamedCompletionsEchoFirstThenTextThenFinish() throws Exception {
        HttpResponse<String> r = fx.post("/openai/v1/completions", "{\"model\":\"legacy\",\"prompt\":[\"x y\",\"z\"],"
                + "\"echo\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
        List<Object> events = events(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        assertThat(streamedText(events, 0, "text")).isEqualTo("x yecho: x y");
        assertThat(streamedText(events, 1, "text")).isEqualTo("zecho: z");
        JsonNode first = (JsonNode) events.getFirst();
        assertThat(first.get("object").asText()).isEqualTo("text_completion");
        assertThat(first.get("choices").get(0).get("text").asText()).isEqualTo("x y");
        assertThat(((JsonNode) events.get(events.size() - 2)).get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
        long finishes = events.stream().filter(JsonNode.class::isInstance).map(JsonNode.class::cast)
                .filter(e -> !e.get("choices").isEmpty() && e.get("choices").get(0).get("finish_reason").isTextual()).count();
        assertThat(finishes).isEqualTo(2);
    }

    @Test
    void aChatModelAlsoServesRawCompletions() throws Exception {
        HttpResponse<String> r = fx.post("/openai/deployments/chat/completions?api-version=2024-10-21", "{\"prompt\":\"raw\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("choices").get(0).get("text").asText()).isEqualTo("echo: raw");
    }
}
