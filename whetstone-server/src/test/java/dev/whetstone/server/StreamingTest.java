package dev.whetstone.server;

import static dev.whetstone.server.InferenceFixture.AZURE_CHAT;
import static dev.whetstone.server.InferenceFixture.events;
import static dev.whetstone.server.InferenceFixture.streamedText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.testing.Races;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server-sent events for chat: chunk order, usage, [DONE], errors mid-stream, disconnects, time-outs, concurrency. */
class StreamingTest {
    @TempDir Path dir;
    InferenceFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) fx.close();
    }

    @Test
    void chunksComeInOrderAndEndWithDone() throws Exception {
        fx = new InferenceFixture(dir);
        fx.engine.reply("count", "one two three four");
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"count\"}],"
                + "\"stream\":true,\"stop\":\" three\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
        List<Object> events = events(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode filter = (JsonNode) events.get(0);
        assertThat(filter.get("choices")).isEmpty();
        assertThat(filter.get("prompt_filter_results").get(0).get("prompt_index").asInt()).isZero();
        JsonNode first = (JsonNode) events.get(1);
        String id = first.get("id").asText();
        assertThat(id).startsWith("chatcmpl-");
        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        assertThat(first.has("usage")).isFalse();
        // "one", " two", then the stop token that releases nothing (skipped), then the final chunk.
        List<JsonNode> contents = events.subList(2, events.size() - 2).stream().map(JsonNode.class::cast).toList();
        assertThat(contents).extracting(c -> c.get("choices").get(0).get("delta").get("content").asText())
                .containsExactly("one", " two");
        assertThat(contents).allSatisfy(c -> {
            assertThat(c.get("id").asText()).isEqualTo(id);
            assertThat(c.get("choices").get(0).get("finish_reason").isNull()).isTrue();
        });
        JsonNode last = (JsonNode) events.get(events.size() - 2);
        assertThat(last.get("choices").get(0).get("delta").isEmpty()).isTrue();
        assertThat(last.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void includeUsageAddsAUsageChunkBeforeDoneAndNullUsageElsewhere() throws Exception {
        fx = new InferenceFixture(dir);
        HttpResponse<String> r = fx.post("/v1/chat/completions", "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"n\":2,\"max_tokens\":2}");
        List<Object> events = events(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode usageChunk = (JsonNode) events.get(events.size() - 2);
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
        List<JsonNode> others = events.subList(0, events.size() - 2).stream().map(JsonNode.class::cast).toList();
        assertThat(others).allSatisfy(c -> assertThat(c.get("usage").isNull()).isTrue());
        assertThat(others).noneMatch(c -> c.has("prompt_filter_results")); // OpenAI surface: no Azure filters
        for (int i = 0; i < 2; i++) {
            assertThat(streamedText(events, i, "content")).isEqualTo("echo: a");
            int index = i;
            assertThat(others).filteredOn(c -> c.get("choices").get(0).get("index").asInt() == index)
                    .last().satisfies(c -> assertThat(c.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length"));
        }
    }

    @Test
    void streamingIsChosenByTheBodyWhateverTheAcceptHeader() throws Exception {
        fx = new InferenceFixture(dir);
        HttpResponse<String> r = fx.ts.send(fx.ts.request(AZURE_CHAT).header("Accept", "application/json")
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}")).build());
        assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
        assertThat(streamedText(events(r.body()), 0, "content")).isEqualTo("echo: hi");
    }

    @Test
    void logprobsRideOnTheContentChunks() throws Exception {
        fx = new InferenceFixture(dir);
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
                + "\"logprobs\":true,\"top_logprobs\":1}");
        List<Object> events = events(r.body());
        JsonNode content = (JsonNode) events.get(3);
        JsonNode lp = content.get("choices").get(0).get("logprobs").get("content");
        assertThat(lp).hasSize(1);
        assertThat(lp.get(0).get("token").asText()).isEqualTo(" hi");
        assertThat(lp.get(0).get("top_logprobs")).hasSize(1);
    }

    @Test
    void anEngineFailureAfterTheStartIsAnErrorEventAndTheStreamEnds() throws Exception {
        fx = new InferenceFixture(dir);
        fx.engine.reply("long", "w ".repeat(200).trim()).tokenDelay(Duration.ofMillis(20));
        Thread unload = Thread.startVirtualThread(() -> {
            await().until(() -> !fx.chat.options.isEmpty());
            sleep(150);
            fx.engine.unload("chat");
        });
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"long\"}],\"stream\":true}");
        unload.join();
        List<Object> events = events(r.body());
        assertThat(events.getLast()).isInstanceOf(JsonNode.class);
        JsonNode error = ((JsonNode) events.getLast()).get("error");
        assertThat(error.get("message").asText()).contains("the deployment was deleted");
        assertThat(error.get("code").asText()).isEqualTo("serviceUnavailable");
        assertThat(events).doesNotContain("[DONE]");
    }

    @Test
    void aClientThatLeavesMidStreamCancelsItsGenerations() throws Exception {
        fx = new InferenceFixture(dir);
        fx.engine.reply("long", "w ".repeat(500).trim()).tokenDelay(Duration.ofMillis(10));
        URI uri = URI.create(fx.ts.base);
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"long\"}],\"stream\":true,\"n\":2}";
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + AZURE_CHAT + " HTTP/1.1\r\nHost: localhost\r\napi-key: " + TestServer.KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int contentChunks = 0;
            for (String line; contentChunks < 5 && (line = in.readLine()) != null; ) {
                if (line.contains("\"content\":\"w\"") || line.contains("\"content\":\" w\"")) contentChunks++;
            }
            assertThat(contentChunks).isEqualTo(5);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(fx.chat.endings).containsExactly(FinishReason.CANCELLED, FinishReason.CANCELLED));
        assertThat(fx.chat.cancels.get()).isGreaterThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.quota.settled.size() == 1);
        FakeQuota.Settlement s = fx.quota.settled.getFirst();
        assertThat(s.used()).isLessThan(s.estimated());
    }

    @Test
    void aRequestPastItsTimeOutIsCancelledAndToldSo() throws Exception {
        fx = new InferenceFixture(dir, Duration.ofMillis(300));
        fx.engine.reply("long", "w ".repeat(200).trim()).tokenDelay(Duration.ofMillis(20));
        HttpResponse<String> streamed = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"long\"}],\"stream\":true}");
        JsonNode error = ((JsonNode) events(streamed.body()).getLast()).get("error");
        assertThat(error.get("message").asText()).contains("time-out");

        HttpResponse<String> whole = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}");
        assertThat(whole.statusCode()).isEqualTo(503);
        assertThat(whole.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(InferenceFixture.json(whole).get("error").get("message").asText()).contains("time-out");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(fx.chat.endings).containsExactly(FinishReason.CANCELLED, FinishReason.CANCELLED));
    }

    @Test
    void eightConcurrentStreamsAllCompleteWithTheirOwnText() throws Exception {
        fx = new InferenceFixture(dir);
        fx.engine.tokenDelay(Duration.ofMillis(5));
        List<String> texts = Races.race(8, i -> {
            String words = ("stream" + i + " ").repeat(20).trim();
            String path = i % 2 == 0 ? AZURE_CHAT : "/v1/chat/completions";
            HttpResponse<String> r = fx.post(path, "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + words + "\"}],\"stream\":true}");
            List<Object> events = events(r.body());
            assertThat(events.getLast()).isEqualTo("[DONE]");
            return streamedText(events, 0, "content");
        });
        for (int i = 0; i < 8; i++) {
            assertThat(texts.get(i)).isEqualTo("echo: " + ("stream" + i + " ").repeat(20).trim());
        }
        assertThat(fx.chat.endings).hasSize(8).containsOnly(FinishReason.STOP);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
