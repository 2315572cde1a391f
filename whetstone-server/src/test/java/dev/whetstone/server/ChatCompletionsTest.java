package dev.whetstone.server;

import static dev.whetstone.server.InferenceFixture.AZURE_CHAT;
import static dev.whetstone.server.InferenceFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.data.image.ImageDetail;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.SamplingOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Non-streaming chat/completions over HTTP: the documented curl, the SDKs' bodies, choices, limits and paths. */
class ChatCompletionsTest {
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
    void theHowTosCurlWorksVerbatim() throws Exception {
        fx.engine.reply("Do other Azure AI services support this too?", "Yes, many of them do.");
        HttpResponse<String> r = fx.post("/openai/deployments/chat/chat/completions?api-version=2023-05-15",
                "{\"messages\":[{\"role\": \"system\", \"content\": \"You are a helpful assistant.\"},{\"role\": \"user\", "
                        + "\"content\": \"Does Azure OpenAI support customer managed keys?\"},{\"role\": \"assistant\", "
                        + "\"content\": \"Yes, customer managed keys are supported by Azure OpenAI.\"},{\"role\": \"user\", "
                        + "\"content\": \"Do other Azure AI services support this too?\"}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("application/json");
        JsonNode body = json(r);
        assertThat(body.get("id").asText()).matches("chatcmpl-[0-9a-f]{32}");
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("created").asLong()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        assertThat(body.get("model").asText()).isEqualTo("tiny-chat.ft-abc");
        assertThat(body.get("system_fingerprint").asText()).isNotBlank();
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo("Yes, many of them do.");
        assertThat(choice.get("message").get("refusal").isNull()).isTrue();
        assertThat(choice.get("logprobs").isNull()).isTrue();
        assertThat(choice.get("content_filter_results").get("hate").get("severity").asText()).isEqualTo("safe");
        assertThat(body.get("prompt_filter_results").get(0).get("prompt_index").asInt()).isZero();
        // Only what was evaluated is annotated: the default policy grades four categories, not jailbreaks.
        JsonNode promptFilters = body.get("prompt_filter_results").get(0).get("content_filter_results");
        assertThat(promptFilters.get("violence").get("filtered").asBoolean()).isFalse();
        assertThat(promptFilters.has("jailbreak")).isFalse();
        JsonNode usage = body.get("usage");
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(5); // "Yes," " many" " of" " them" " do."
        assertThat(usage.get("prompt_tokens").asInt()).isPositive();
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(usage.get("prompt_tokens").asInt() + 5);
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt()).isZero();
        assertThat(r.headers().firstValue("apim-request-id")).isPresent();
    }

    @Test
    void nodeAndJavaSdkBodiesAreAccepted() throws Exception {
        for (String temperature : new String[] {"0", "0.0"}) {
            HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}],"
                    + "\"model\":\"chat\",\"max_tokens\":64,\"temperature\":" + temperature + "}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r).get("choices").get(0).get("message").get("content").asText()).isEqualTo("echo: hi there");
        }
        SamplingOptions sent = fx.chat.options.getLast();
        assertThat(sent.temperature()).isZero();
        assertThat(sent.maxTokens()).isEqualTo(64);
    }

    @Test
    void thePathSelectsTheDeploymentOnTheAzureSurfaceWhateverTheBodySays() throws Exception {
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"model\":\"legacy\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("model").asText()).isEqualTo("tiny-chat.ft-abc");
    }

    @Test
    void openAiShapedPathsTakeTheDeploymentFromTheModelFieldAndOmitAzureFilters() throws Exception {
        for (String path : new String[] {"/v1/chat/completions", "/openai/v1/chat/completions", "/chat/completions"}) {
            HttpResponse<String> r = fx.post(path, "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"yo\"}]}");
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
            JsonNode body = json(r);
            assertThat(body.get("choices").get(0).get("message").get("content").asText()).isEqualTo("echo: yo");
            assertThat(body.has("prompt_filter_results")).as(path).isFalse();
            assertThat(body.get("choices").get(0).has("content_filter_results")).as(path).isFalse();

            HttpResponse<String> missing = fx.post(path, "{\"messages\":[{\"role\":\"user\",\"content\":\"yo\"}]}");
            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(json(missing).get("error").get("param").asText()).isEqualTo("model");
        }
    }

    @Test
    void anUnknownDeploymentIsDeploymentNotFound() throws Exception {
        for (String path : new String[] {"/openai/deployments/nope/chat/completions?api-version=2024-10-21",
                "/openai/deployments/nope/completions?api-version=2024-10-21"}) {
            HttpResponse<String> r = fx.post(path, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"prompt\":\"x\"}");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(json(r).get("error").get("code").asText()).isEqualTo("DeploymentNotFound");
        }
        HttpResponse<String> v1 = fx.post("/v1/chat/completions", "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(v1.statusCode()).isEqualTo(404);
        assertThat(json(v1).get("error").get("code").asText()).isEqualTo("DeploymentNotFound");
    }

    @Test
    void anyWellFormedApiVersionIsAcceptedAndAMissingOneIsNot() throws Exception {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertThat(fx.post("/openai/deployments/chat/chat/completions?api-version=2025-06-01-preview", body).statusCode()).isEqualTo(200);
        HttpResponse<String> none = fx.post("/openai/deployments/chat/chat/completions", body);
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).get("error").get("param").asText()).isEqualTo("api-version");
        HttpResponse<String> bad = fx.post("/openai/deployments/chat/chat/completions?api-version=latest", body);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("error").get("message").asText()).contains("YYYY-MM-DD");
    }

    @Test
    void nChoicesAreSeparateGenerationsWithSeedPlusIndex() throws Exception {
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"two please\"}],\"n\":2,\"seed\":41}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choices = json(r).get("choices");
        assertThat(choices).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(choices.get(i).get("index").asInt()).isEqualTo(i);
            assertThat(choices.get(i).get("message").get("content").asText()).isEqualTo("echo: two please");
        }
        assertThat(fx.chat.options).extracting(SamplingOptions::seed).containsExactlyInAnyOrder(41L, 42L);
        assertThat(json(r).get("usage").get("completion_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void aStopStringEndsTheTextBeforeIt() throws Exception {
        fx.engine.reply("count", "one two three four");
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"count\"}],\"stop\":[\" three\",\"zzz\"]}");
        JsonNode choice = json(r).get("choices").get(0);
        assertThat(choice.get("message").get("content").asText()).isEqualTo("one two");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(fx.chat.options.getLast().stop()).containsExactly(" three", "zzz");
    }

    @Test
    void maxTokensEndsWithLengthAndTheDefaultIsTheRestOfTheContext() throws Exception {
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"a b c d\"}],\"max_tokens\":2}");
        JsonNode choice = json(r).get("choices").get(0);
        assertThat(choice.get("message").get("content").asText()).isEqualTo("echo: a");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");

        JsonNode whole = json(fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}],\"max_completion_tokens\":100000}"));
        int prompt = whole.get("usage").get("prompt_tokens").asInt();
        assertThat(fx.chat.options.getLast().maxTokens()).isEqualTo(512 - prompt);
        fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}");
        assertThat(fx.chat.options.getLast().maxTokens()).isEqualTo(512 - prompt);
    }

    @Test
    void logprobsComeInTheChatShape() throws Exception {
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logprobs\":true,\"top_logprobs\":2}");
        JsonNode logprobs = json(r).get("choices").get(0).get("logprobs");
        assertThat(logprobs.get("refusal").isNull()).isTrue();
        JsonNode content = logprobs.get("content");
        assertThat(content).hasSize(2); // "echo:" " hi"
        JsonNode second = content.get(1);
        assertThat(second.get("token").asText()).isEqualTo(" hi");
        assertThat(second.get("logprob").asDouble()).isEqualTo(-0.5);
        assertThat(second.get("bytes")).extracting(JsonNode::asInt).containsExactly(32, 104, 105);
        assertThat(second.get("top_logprobs")).hasSize(2);
        assertThat(second.get("top_logprobs").get(1).get("token").asText()).isEqualTo("alt1");
        assertThat(second.get("top_logprobs").get(1).get("logprob").asDouble()).isEqualTo(-1.5);
        assertThat(fx.chat.options.getLast().topLogprobs()).isEqualTo(2);

        fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(fx.chat.options.getLast().topLogprobs()).isEqualTo(-1);
    }

    @Test
    void theQuotaIsChargedTheEstimateReportedInHeadersAndSettledWithTheUse() throws Exception {
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":10,\"n\":3}");
        JsonNode usage = json(r).get("usage");
        int prompt = usage.get("prompt_tokens").asInt();
        int estimate = prompt + 10 * 3;
        assertThat(fx.quota.admitted).containsExactly(estimate);
        assertThat(r.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue(Long.toString(FakeQuota.LIMIT - estimate));
        assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("59");
        assertThat(fx.quota.settled).containsExactly(new FakeQuota.Settlement(estimate, usage.get("total_tokens").asInt()));
    }

    @Test
    void withoutMaxTokensEachChoiceIsEstimatedAt256TokensNotTheWholeContext() throws Exception {
        // The fake's context is 512 tokens: the whole rest of it would be charged without the cap.
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2}");
        int prompt = json(r).get("usage").get("prompt_tokens").asInt();
        assertThat(fx.quota.admitted).containsExactly(prompt + 256 * 2);
    }

    @Test
    void anExhaustedQuotaIs429AndNothingIsGenerated() throws Exception {
        fx.quota.exhaust();
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(json(r).get("error").get("message").asText()).contains("retry after 7 seconds");
        assertThat(fx.chat.options).isEmpty();
    }

    @Test
    void aBusyEngineIs429WithRetryAfterOneSecondAndTheQuotaIsGivenBack() throws Exception {
        fx.chat.refuseWith = new dev.whetstone.engine.inference.EngineBusyException("queue of 64 full");
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(json(r).get("error").get("message").asText()).contains("queue of 64 full");
        assertThat(fx.quota.settled).singleElement().extracting(FakeQuota.Settlement::used).isEqualTo(0);
    }

    @Test
    void anEngineRefusalOfThePromptIs400NamingMessages() throws Exception {
        fx.chat.refuseWith = new dev.whetstone.engine.inference.InvalidPromptException("the template wants alternating roles");
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").get("param").asText()).isEqualTo("messages");
        assertThat(json(r).get("error").get("message").asText()).contains("alternating roles");
    }

    @Test
    void aModelWithoutChatTemplateSendsClientsToCompletions() throws Exception {
        HttpResponse<String> r = fx.post("/openai/deployments/legacy/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").get("message").asText()).contains("/completions").contains("without a chat template");
    }

    @Test
    void aTextOnlyDeploymentRefusesImagesNamingTheDeployment() throws Exception {
        String body = "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is it\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}";
        HttpResponse<String> r = fx.post(AZURE_CHAT, body);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalidPayload");
        assertThat(error.get("param").asText()).isEqualTo("messages[1].content[1]");
        assertThat(error.get("message").asText()).contains("deployment 'chat' serves 'tiny-chat.ft-abc'")
                .contains("cannot see images");
        assertThat(fx.chat.options).isEmpty();
    }

    static String imageChat(String url, String detail) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is it\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"" + (detail == null ? "" : ",\"detail\":\"" + detail + "\"")
                + "}}]}]}";
    }

    static String png(int width, int height, int rgb) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) image.setRGB(x, y, rgb);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    @Test
    void aVisionDeploymentGetsTheDecodedImagesWithTheirDetailStreamingToo() throws Exception {
        String vision = "/openai/deployments/vision/chat/completions?api-version=2024-10-21";
        HttpResponse<String> seeing = fx.post(vision, imageChat(png(6, 4, 0x102030), "low"));
        assertThat(seeing.statusCode()).as(seeing.body()).isEqualTo(200);
        assertThat(json(seeing).get("choices").get(0).get("message").get("content").asText()).isEqualTo("echo: what is it");
        assertThat(fx.vision.images).singleElement().satisfies(images -> {
            assertThat(images).singleElement().satisfies(i -> {
                assertThat(i.detail()).isEqualTo(ImageDetail.LOW);
                assertThat(i.image().width()).isEqualTo(6);
                assertThat(i.image().height()).isEqualTo(4);
                assertThat(Arrays.copyOf(i.image().rgb(), 3)).containsExactly(0x10, 0x20, 0x30);
            });
        });

        String streamed = imageChat(png(2, 2, 0xFFFFFF), null).replace("]}]}", "]}],\"stream\":true}");
        HttpResponse<String> stream = fx.post(vision, streamed);
        assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
        assertThat(InferenceFixture.streamedText(InferenceFixture.events(stream.body()), 0, "content")).isEqualTo("echo: what is it");
        assertThat(fx.vision.images).hasSize(2);
        assertThat(fx.vision.images.get(1).getFirst().detail()).isEqualTo(ImageDetail.AUTO);
    }

    @Test
    void aVisionDeploymentRefusesBadImagesWithTheirReason() throws Exception {
        String vision = "/openai/deployments/vision/chat/completions?api-version=2024-10-21";
        String notAnImage = "data:image/png;base64," + Base64.getEncoder().encodeToString("text".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> bad = fx.post(vision, imageChat(notAnImage, null));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("error").get("param").asText()).isEqualTo("messages[0].content[1].image_url.url");
        assertThat(json(bad).get("error").get("message").asText()).contains("not an image (not_an_image)");

        HttpResponse<String> loopback = fx.post(vision, imageChat("http://127.0.0.1:9/cat.png", null));
        assertThat(loopback.statusCode()).isEqualTo(400);
        assertThat(json(loopback).get("error").get("message").asText()).contains("unreachable image (unreachable)")
                .contains("private or loopback");
        assertThat(fx.vision.options).isEmpty();
    }

    @Test
    void developerAndToolMessagesAreAccepted() throws Exception {
        HttpResponse<String> r = fx.post(AZURE_CHAT, "{\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"\"},"
                + "{\"role\":\"tool\",\"content\":\"42\",\"tool_call_id\":\"call_1\"},{\"role\":\"user\",\"content\":\"and?\"}],"
                + "\"user\":\"someone\",\"response_format\":{\"type\":\"text\"},\"unknown_field\":1}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("choices").get(0).get("message").get("content").asText()).isEqualTo("echo: and?");
        assertThat(fx.chat.endings).containsOnly(FinishReason.STOP);
    }
}
