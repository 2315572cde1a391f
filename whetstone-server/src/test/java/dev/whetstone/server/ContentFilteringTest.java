package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.ACCOUNT;
import static dev.whetstone.server.ArmClient.json;
import static dev.whetstone.server.InferenceFixture.events;
import static dev.whetstone.server.InferenceFixture.streamedText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.whetstone.safety.GuardFormat;
import dev.whetstone.safety.Source;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Role;
import dev.whetstone.testing.FakeTrainer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content filtering over HTTP (docs/safety.md): RAI policies and blocklists at their Resource Manager paths,
 * deployments naming them, and the chat/completions answers they shape, with the FakeInferenceEngine (a token is
 * a word; scripted replies) serving the base model {@code tiny-chat}.
 */
class ContentFilteringTest {
    static final String V = "api-version=2024-10-01";
    @TempDir Path dir;
    TestServer ts;
    ArmClient arm;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.withJobs(dir, new FakeTrainer(), 0, Clock.systemUTC(), 20);
        arm = new ArmClient(ts.base, ts.adminToken());
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    HttpResponse<String> put(String path, String body) throws Exception {
        return arm.send("PUT", ACCOUNT + path + "?" + V, body);
    }

    /** Blocklist "words" with the term "frobnicate" and a regex for ticket codes, policy "strict" using it. */
    void strictPolicy() throws Exception {
        assertThat(put("/raiBlocklists/words", "{\"properties\":{\"description\":\"forbidden\"}}").statusCode()).isEqualTo(201);
        assertThat(put("/raiBlocklists/words/raiBlocklistItems/term", "{\"properties\":{\"pattern\":\"frobnicate\","
                + "\"isRegex\":false}}").statusCode()).isEqualTo(201);
        assertThat(put("/raiBlocklists/words/raiBlocklistItems/code", "{\"properties\":{\"pattern\":\"TKT-\\\\d{4}\","
                + "\"isRegex\":true}}").statusCode()).isEqualTo(201);
        HttpResponse<String> policy = put("/raiPolicies/strict", "{\"properties\":{\"mode\":\"Blocking\","
                + "\"basePolicyName\":\"Microsoft.Default\",\"contentFilters\":[{\"name\":\"Violence\",\"severityThreshold\":"
                + "\"Low\",\"blocking\":true,\"enabled\":true,\"source\":\"Completion\"}],\"customBlocklists\":["
                + "{\"blocklistName\":\"words\",\"blocking\":true,\"source\":\"Prompt\"},"
                + "{\"blocklistName\":\"words\",\"blocking\":true,\"source\":\"Completion\"}]}}");
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(201);
    }

    void deploy(String name, String policy) throws Exception {
        String body = "{\"sku\":{\"name\":\"Standard\",\"capacity\":100},\"properties\":{\"model\":{\"format\":\"OpenAI\","
                + "\"name\":\"tiny-chat\",\"version\":\"1\"}" + (policy == null ? "" : ",\"raiPolicyName\":\"" + policy + "\"")
                + "}}";
        HttpResponse<String> r = arm.put(name, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(arm.awaitTerminal(name).at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
    }

    HttpResponse<String> chat(String deployment, String user, boolean stream) throws Exception {
        return ts.post("/openai/deployments/" + deployment + "/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + user + "\"}],\"stream\":" + stream + "}");
    }

    @Test
    void policiesBlocklistsAndItemsHaveTheArmShapes() throws Exception {
        strictPolicy();
        JsonNode policy = json(arm.send("GET", ACCOUNT + "/raiPolicies/strict?" + V, null));
        assertThat(policy.get("id").asText()).isEqualTo(ACCOUNT + "/raiPolicies/strict");
        assertThat(policy.get("type").asText()).isEqualTo("Microsoft.CognitiveServices/accounts/raiPolicies");
        assertThat(policy.at("/properties/type").asText()).isEqualTo("UserManaged");
        assertThat(policy.at("/properties/contentFilters/0").toString()).isEqualTo("{\"name\":\"Violence\","
                + "\"severityThreshold\":\"Low\",\"blocking\":true,\"enabled\":true,\"source\":\"Completion\"}");
        assertThat(policy.at("/properties/customBlocklists/1").toString())
                .isEqualTo("{\"blocklistName\":\"words\",\"blocking\":true,\"source\":\"Completion\"}");
        JsonNode list = json(arm.send("GET", ACCOUNT + "/raiPolicies?" + V, null));
        assertThat(list.get("value")).extracting(p -> p.get("name").asText())
                .containsExactly("Microsoft.Default", "Microsoft.DefaultV2", "strict");
        JsonNode item = json(arm.send("GET", ACCOUNT + "/raiBlocklists/words/raiBlocklistItems/code?" + V, null));
        assertThat(item.get("properties").toString()).isEqualTo("{\"pattern\":\"TKT-\\\\d{4}\",\"isRegex\":true}");
        assertThat(item.get("type").asText()).isEqualTo("Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems");
        JsonNode items = json(arm.send("GET", ACCOUNT + "/raiBlocklists/words/raiBlocklistItems?" + V, null));
        assertThat(items.get("value")).extracting(i -> i.get("name").asText()).containsExactly("code", "term");
        assertThat(put("/raiBlocklists/words", "{\"properties\":{\"description\":\"changed\"}}").statusCode()).isEqualTo(200);

        deploy("bot", "strict");
        assertThat(arm.get("bot").body()).contains("\"raiPolicyName\":\"strict\"");
        deploy("plain", null);
        assertThat(json(arm.get("plain")).at("/properties/raiPolicyName").asText()).isEqualTo("Microsoft.Default");
    }

    @Test
    void badInputIsAPreciseArmErrorAndLeavesNothingBehind() throws Exception {
        strictPolicy();
        assertError(put("/raiPolicies/p1", "{\"properties\":{\"contentFilters\":[{\"name\":\"Gore\",\"source\":\"Prompt\"}]}}"),
                400, "properties.contentFilters[0].name", "Unknown content filter 'Gore'");
        assertError(put("/raiPolicies/p1", "{\"properties\":{\"contentFilters\":[{\"name\":\"Hate\",\"severityThreshold\":"
                + "\"Extreme\",\"source\":\"Prompt\"}]}}"), 400, "properties.contentFilters[0].severityThreshold", "'Extreme'");
        assertError(put("/raiPolicies/p1", "{\"properties\":{\"contentFilters\":[{\"name\":\"Jailbreak\",\"enabled\":true,"
                + "\"source\":\"Prompt\"}]}}"), 400, "properties.contentFilters[0].enabled", "not available on this service");
        assertError(put("/raiPolicies/p1", "{\"properties\":{\"customBlocklists\":[{\"blocklistName\":\"nope\",\"source\":"
                + "\"Prompt\"}]}}"), 400, "properties.customBlocklists[0].blocklistName", "Blocklist 'nope' does not exist");
        assertThat(arm.send("GET", ACCOUNT + "/raiPolicies/p1?" + V, null).statusCode()).isEqualTo(404);
        assertError(put("/raiPolicies/Microsoft.Default", "{}"), 400, "raiPolicyName", "built-in policy");

        assertError(put("/raiBlocklists/words/raiBlocklistItems/bad", "{\"properties\":{\"pattern\":\"(unclosed\","
                + "\"isRegex\":true}}"), 400, "properties.pattern", "not a valid regular expression");
        assertError(put("/raiBlocklists/words/raiBlocklistItems/slow", "{\"properties\":{\"pattern\":\"(.*a){25}\","
                + "\"isRegex\":true}}"), 400, "properties.pattern", "backtracks catastrophically");
        assertError(put("/raiBlocklists/words/raiBlocklistItems/again", "{\"properties\":{\"pattern\":\"FROBNICATE\"}}"),
                409, "properties.pattern", "already has the term 'FROBNICATE' as item 'term'");
        assertError(put("/raiBlocklists/missing/raiBlocklistItems/x", "{\"properties\":{\"pattern\":\"x\"}}"),
                404, null, "Blocklist 'missing' was not found");
        assertThat(json(arm.send("GET", ACCOUNT + "/raiBlocklists/words/raiBlocklistItems?" + V, null)).get("value"))
                .hasSize(2);

        assertError(arm.send("DELETE", ACCOUNT + "/raiBlocklists/words?" + V, null), 409, null,
                "used by RAI policy 'strict'");
        deploy("bot", "strict");
        assertError(arm.send("DELETE", ACCOUNT + "/raiPolicies/strict?" + V, null), 409, null, "used by deployment 'bot'");
        assertError(arm.put("other", "{\"properties\":{\"model\":{\"name\":\"tiny-chat\"},\"raiPolicyName\":\"lax\"}}"),
                400, "properties.raiPolicyName", "RAI policy 'lax' does not exist");
        assertThat(arm.get("other").statusCode()).isEqualTo(404);

        assertThat(arm.delete("bot").statusCode()).isEqualTo(200);
        assertThat(arm.send("DELETE", ACCOUNT + "/raiPolicies/strict?" + V, null).statusCode()).isEqualTo(200);
        assertThat(arm.send("DELETE", ACCOUNT + "/raiBlocklists/words?" + V, null).statusCode()).isEqualTo(200);
        assertThat(arm.send("DELETE", ACCOUNT + "/raiBlocklists/words?" + V, null).statusCode()).isEqualTo(204);
    }

    static void assertError(HttpResponse<String> r, int status, String param, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = json(r).get("error");
        assertThat(error.get("message").asText()).contains(message);
        if (param != null) assertThat(error.get("param").asText()).isEqualTo(param);
    }

    @Test
    void aBlocklistedPromptIsRefusedWithAzuresContentFilterError() throws Exception {
        strictPolicy();
        deploy("bot", "strict");
        HttpResponse<String> r = chat("bot", "please Frobnicate the widget", false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asText()).isEqualTo("content_filter");
        assertThat(error.get("param").asText()).isEqualTo("prompt");
        assertThat(error.get("status").asInt()).isEqualTo(400);
        assertThat(error.get("message").asText()).contains("blocklist 'words'").doesNotContain("Frobnicate");
        JsonNode result = error.at("/innererror/content_filter_result");
        assertThat(error.at("/innererror/code").asText()).isEqualTo("ResponsibleAIPolicyViolation");
        assertThat(result.at("/custom_blocklists/filtered").asBoolean()).isTrue();
        assertThat(result.at("/custom_blocklists/details/0/id").asText()).isEqualTo("words");
        assertThat(result.at("/hate/severity").asText()).isEqualTo("safe");

        // Word boundaries: "frobnicated" is another word; regexes match anywhere, case-insensitively.
        assertThat(chat("bot", "it was frobnicated", false).statusCode()).isEqualTo(200);
        assertThat(chat("bot", "see tkt-1234", false).statusCode()).isEqualTo(400);
        // The built-in lexicon on the default policy: a medium-severity prompt is refused on any deployment.
        deploy("plain", null);
        HttpResponse<String> lexicon = chat("plain", "I want to stab someone", true);
        assertThat(lexicon.statusCode()).isEqualTo(400);
        assertThat(json(lexicon).at("/error/innererror/content_filter_result/violence").toString())
                .isEqualTo("{\"filtered\":true,\"severity\":\"medium\"}");
    }

    @Test
    void aHarmfulCompletionEndsWithFinishReasonContentFilterWholeAndStreamed() throws Exception {
        strictPolicy();
        deploy("bot", "strict");
        ts.engine.reply("tell me", "sure : frobnicate the widget now");
        JsonNode whole = json(chat("bot", "tell me", false));
        JsonNode choice = whole.at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("content_filter");
        assertThat(choice.at("/message/content").asText()).isEqualTo("sure :");
        assertThat(choice.at("/content_filter_results/custom_blocklists/filtered").asBoolean()).isTrue();
        assertThat(whole.at("/prompt_filter_results/0/content_filter_results/custom_blocklists/filtered").asBoolean()).isFalse();

        List<Object> events = events(chat("bot", "tell me", true).body());
        assertThat(streamedText(events, 0, "content")).isEqualTo("sure :");
        JsonNode last = (JsonNode) events.get(events.size() - 2);
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(last.at("/choices/0/content_filter_results/custom_blocklists/details/0/filtered").asBoolean()).isTrue();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        assertThat(events.stream().filter(e -> e instanceof JsonNode n && n.has("choices") && !n.get("choices").isEmpty()
                && n.at("/choices/0/finish_reason").isTextual())).hasSize(1);

        // The policy's Violence threshold on completions is Low: the lexicon's low "weapon" cuts the answer.
        ts.engine.reply("arm me", "take this weapon please");
        JsonNode low = json(chat("bot", "arm me", false)).at("/choices/0");
        assertThat(low.get("finish_reason").asText()).isEqualTo("content_filter");
        assertThat(low.at("/message/content").asText()).isEqualTo("take"); // " this" waited for the next word, which was cut
        assertThat(low.at("/content_filter_results/violence").toString()).isEqualTo("{\"filtered\":true,\"severity\":\"low\"}");
        // On the OpenAI surface the same cut, without Azure's annotations.
        JsonNode openAi = json(ts.post("/v1/chat/completions", "{\"model\":\"bot\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"tell me\"}]}"));
        assertThat(openAi.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(openAi.has("prompt_filter_results")).isFalse();
        assertThat(openAi.at("/choices/0").has("content_filter_results")).isFalse();
    }

    @Test
    void aPolicyThatFiltersNothingAnnotatesNothing() throws Exception {
        StringBuilder filters = new StringBuilder();
        for (String source : List.of("Prompt", "Completion")) {
            for (String name : List.of("Hate", "Sexual", "Violence", "Selfharm")) {
                if (!filters.isEmpty()) filters.append(',');
                filters.append("{\"name\":\"").append(name).append("\",\"enabled\":false,\"source\":\"").append(source).append("\"}");
            }
        }
        assertThat(put("/raiPolicies/off", "{\"properties\":{\"contentFilters\":[" + filters + "]}}").statusCode()).isEqualTo(201);
        deploy("open", "off");
        JsonNode body = json(chat("open", "I want to stab someone", false));
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.has("prompt_filter_results")).isFalse();
        assertThat(body.at("/choices/0").has("content_filter_results")).isFalse();
        List<Object> events = events(chat("open", "hello", true).body());
        assertThat(events).noneMatch(e -> e instanceof JsonNode n && (n.has("prompt_filter_results")
                || n.path("choices").path(0).has("content_filter_results")));
    }

    @Test
    void aGuardDeploymentGradesPromptsInLlamaGuardFormat() throws Exception {
        deploy("guard", "Microsoft.Default");
        String flagged = GuardFormat.llamaGuardPrompt("how do I hurt my neighbour", Source.PROMPT);
        ts.engine.reply(flagged, "unsafe\nS1");
        ts.engine.reply(GuardFormat.llamaGuardPrompt("how do I bake bread", Source.PROMPT), "safe");
        assertThat(put("/raiPolicies/guarded", "{\"properties\":{\"classifiers\":{\"lexicon\":false,"
                + "\"guardDeployment\":\"guard\",\"guardFormat\":\"llama-guard-3\"}}}").statusCode()).isEqualTo(201);
        deploy("bot", "guarded");
        HttpResponse<String> refused = chat("bot", "how do I hurt my neighbour", false);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(json(refused).at("/error/innererror/content_filter_result/violence").toString())
                .isEqualTo("{\"filtered\":true,\"severity\":\"medium\"}");
        HttpResponse<String> fine = chat("bot", "how do I bake bread", false);
        assertThat(fine.statusCode()).isEqualTo(200);
        assertThat(json(fine).at("/prompt_filter_results/0/content_filter_results/violence/severity").asText()).isEqualTo("safe");
        // An answer out of format is not a verdict: the annotation says the filter failed, nothing is blocked.
        JsonNode unknown = json(chat("bot", "something else", false));
        assertThat(unknown.at("/prompt_filter_results/0/content_filter_results/error/message").asText())
                .contains("not 'safe' or 'unsafe'");
    }

    @Test
    void theOpenAiJavaClientInAzureModeReadsTheAnnotationsAndTheRefusal() throws Exception {
        strictPolicy();
        deploy("bot", "strict");
        ts.engine.reply("tell me", "sure : frobnicate the widget now");
        OpenAIClient azure = ts.azureClient();
        try {
            ChatCompletion c = azure.chat().completions().create(ChatCompletionCreateParams.builder().model("bot")
                    .addUserMessage("tell me").build());
            ChatCompletion.Choice choice = c.choices().getFirst();
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);
            assertThat(choice.message().content()).hasValue("sure :");
            JsonValue annotations = choice._additionalProperties().get("content_filter_results");
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = annotations.convert(Map.class);
            assertThat(parsed).containsKeys("violence", "custom_blocklists");
            assertThat(c._additionalProperties()).containsKey("prompt_filter_results");
            assertThatThrownBy(() -> azure.chat().completions().create(ChatCompletionCreateParams.builder().model("bot")
                    .addUserMessage("frobnicate it").build()))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).hasValue("content_filter"));
        } finally {
            azure.close();
        }
    }
}
