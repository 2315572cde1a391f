package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What content filtering adds to a chat request (docs/BENCHMARKS.md, "Content filtering"): the production server
 * with the real engine serves the demo model {@code tiny-chat} twice, once under a policy that checks nothing and
 * once under one with the built-in lexicon and a blocklist of terms and regexes on prompts and completions.
 * Requests alternate between the two so machine noise hits both alike; medians are compared. Not part of the
 * default test run (the name does not end in Test; it takes minutes): run it with
 * {@code ./mvnw -pl whetstone-server -am verify -Dtest=ContentFilterLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Drounds=N}, default 60).
 */
class ContentFilterLatencyBenchmark {
    static final String KEY = "latency-key";
    static final int ROUNDS = Integer.getInteger("rounds", 60);
    @TempDir Path data;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void filteringAddsLittleToAChatRequest() throws Exception {
        try (WhetstoneServer server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY),
                Map.of(), ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true))) {
            String base = "http://127.0.0.1:" + server.port();
            ArmClient arm = new ArmClient(base, KEY);
            setUp(arm);
            List<Long> off = new ArrayList<>();
            List<Long> on = new ArrayList<>();
            for (int i = 0; i < 5; i++) { // warm-up: JIT, the engine's first batches
                chat(base, "open");
                chat(base, "guarded");
            }
            for (int i = 0; i < ROUNDS; i++) {
                off.add(chat(base, "open"));
                on.add(chat(base, "guarded"));
            }
            long offMedian = median(off);
            long onMedian = median(on);
            System.out.printf("content filter latency: off median %.2f ms, on median %.2f ms, added %.1f %%%n",
                    offMedian / 1e6, onMedian / 1e6, 100.0 * (onMedian - offMedian) / offMedian);
            // The target is 10 %; the bound leaves room for this shared machine's noise, and still fails if
            // filtering costs as much as the generation itself.
            assertThat(onMedian).isLessThan(offMedian * 3 / 2);
        }
    }

    /**
     * What a guard deployment costs (docs/BENCHMARKS.md): the demo model {@code tiny-chat} deployed as a Llama
     * Guard 3 style guard, asked on prompts only (one guard generation per request) and on prompts and
     * completions (one more per completion token: the completion is re-judged as it grows), against no
     * filtering. The untrained demo model does not answer in the guard's format, so nothing is blocked (the
     * annotations carry the error) and each guard answer runs to its 16-token bound: the cost of a guard that
     * uses its whole budget. {@code -Dguard.rounds=N}, default 8.
     */
    @Test
    void guardModelCost() throws Exception {
        int rounds = Integer.getInteger("guard.rounds", 8);
        try (WhetstoneServer server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY),
                Map.of(), ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true))) {
            String base = "http://127.0.0.1:" + server.port();
            ArmClient arm = new ArmClient(base, KEY);
            setUp(arm);
            String v = "?api-version=2024-10-01";
            deploy(arm, "guard", "off");
            StringBuilder completionOff = new StringBuilder();
            for (String name : List.of("Hate", "Sexual", "Violence", "Selfharm")) {
                if (!completionOff.isEmpty()) completionOff.append(',');
                completionOff.append("{\"name\":\"").append(name).append("\",\"enabled\":false,\"source\":\"Completion\"}");
            }
            String guard = "\"classifiers\":{\"lexicon\":false,\"guardDeployment\":\"guard\",\"guardFormat\":\"llama-guard-3\"}";
            arm.send("PUT", ArmClient.ACCOUNT + "/raiPolicies/guard-prompts" + v, "{\"properties\":{\"contentFilters\":["
                    + completionOff + "]," + guard + "}}");
            arm.send("PUT", ArmClient.ACCOUNT + "/raiPolicies/guard-both" + v, "{\"properties\":{" + guard + "}}");
            deploy(arm, "guard-p", "guard-prompts");
            deploy(arm, "guard-pc", "guard-both");
            for (int i = 0; i < 2; i++) { // warm-up
                chat(base, "open");
                chat(base, "guard-p");
                chat(base, "guard-pc");
            }
            List<Long> off = new ArrayList<>();
            List<Long> prompts = new ArrayList<>();
            List<Long> both = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                off.add(chat(base, "open"));
                prompts.add(chat(base, "guard-p"));
                both.add(chat(base, "guard-pc"));
            }
            System.out.printf("guard model cost: off median %.1f ms, guard on prompts %.1f ms, guard on prompts and "
                    + "completions %.1f ms%n", median(off) / 1e6, median(prompts) / 1e6, median(both) / 1e6);
        }
    }

    static void deploy(ArmClient arm, String name, String policy) throws Exception {
        HttpResponse<String> r = arm.put(name, "{\"sku\":{\"name\":\"Standard\",\"capacity\":1000},\"properties\":{"
                + "\"model\":{\"format\":\"OpenAI\",\"name\":\"tiny-chat\",\"version\":\"1\"},\"raiPolicyName\":\"" + policy + "\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(arm.awaitTerminal(name).at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
    }

    /** The filter's own work for one such request: the prompt check and the incremental check of each token. */
    @Test
    void classificationCostOfOneRequest() throws Exception {
        var store = new dev.whetstone.testing.InMemorySafetyStore();
        var safety = new dev.whetstone.safety.SafetyService(store, new dev.whetstone.deployments.AccountNames(Set.of()),
                (a, p) -> java.util.Optional.empty(), dev.whetstone.safety.SafetySettings.defaults(), name -> {
                    throw new IllegalStateException("no guard");
                }, java.time.Clock.systemUTC());
        safety.putBlocklist("acct", "words", null);
        for (int i = 0; i < 20; i++) safety.putItem("acct", "words", "t" + i, "forbiddenterm" + i, false);
        safety.putItem("acct", "words", "r1", "TKT-\\d{4}", true);
        safety.putItem("acct", "words", "r2", "\\b\\w+@\\w+\\.com\\b", true);
        safety.putPolicy(new dev.whetstone.safety.PolicyRequest("acct", "strict", null, null, List.of(), List.of(
                new dev.whetstone.safety.PolicyRequest.BlocklistInput("words", true, "Prompt"),
                new dev.whetstone.safety.PolicyRequest.BlocklistInput("words", true, "Completion")), null));
        String prompt = "You answer briefly.\nWhat does a fine-tuning service do with my training data?";
        String[] tokens = (" It stores the file , validates each line , trains an adapter on the examples and keeps"
                + " checkpoints so that you can deploy the model and call it from your own code later on .").split("(?= )");
        List<Long> times = new ArrayList<>();
        boolean blocked = false;
        for (int round = 0; round < 2000; round++) {
            long start = System.nanoTime();
            var filter = safety.filterFor("acct", "strict");
            blocked |= filter.check(prompt, dev.whetstone.safety.Source.PROMPT).blocked();
            StringBuilder text = new StringBuilder();
            for (String t : tokens) {
                blocked |= filter.check(text.append(t).toString(), dev.whetstone.safety.Source.COMPLETION).blocked();
            }
            times.add(System.nanoTime() - start);
        }
        System.out.printf("content filter work per request (%d completion tokens): median %.1f us%n", tokens.length,
                median(times.subList(1000, 2000)) / 1e3);
        assertThat(blocked).isFalse(); // a harmless answer: every check ran to the end
    }

    static void setUp(ArmClient arm) throws Exception {
        String v = "?api-version=2024-10-01";
        String account = ArmClient.ACCOUNT;
        arm.send("PUT", account + "/raiBlocklists/words" + v, "{}");
        for (int i = 0; i < 20; i++) {
            arm.send("PUT", account + "/raiBlocklists/words/raiBlocklistItems/t" + i + v,
                    "{\"properties\":{\"pattern\":\"forbiddenterm" + i + "\"}}");
        }
        arm.send("PUT", account + "/raiBlocklists/words/raiBlocklistItems/r1" + v,
                "{\"properties\":{\"pattern\":\"TKT-\\\\d{4}\",\"isRegex\":true}}");
        arm.send("PUT", account + "/raiBlocklists/words/raiBlocklistItems/r2" + v,
                "{\"properties\":{\"pattern\":\"\\\\b\\\\w+@\\\\w+\\\\.com\\\\b\",\"isRegex\":true}}");
        arm.send("PUT", account + "/raiPolicies/strict" + v, "{\"properties\":{\"customBlocklists\":["
                + "{\"blocklistName\":\"words\",\"source\":\"Prompt\"},{\"blocklistName\":\"words\",\"source\":\"Completion\"}]}}");
        StringBuilder filters = new StringBuilder();
        for (String source : List.of("Prompt", "Completion")) {
            for (String name : List.of("Hate", "Sexual", "Violence", "Selfharm")) {
                if (!filters.isEmpty()) filters.append(',');
                filters.append("{\"name\":\"").append(name).append("\",\"enabled\":false,\"source\":\"").append(source).append("\"}");
            }
        }
        arm.send("PUT", account + "/raiPolicies/off" + v, "{\"properties\":{\"contentFilters\":[" + filters + "]}}");
        for (String[] d : new String[][] {{"open", "off"}, {"guarded", "strict"}}) {
            HttpResponse<String> r = arm.put(d[0], "{\"sku\":{\"name\":\"Standard\",\"capacity\":1000},\"properties\":{"
                    + "\"model\":{\"format\":\"OpenAI\",\"name\":\"tiny-chat\",\"version\":\"1\"},\"raiPolicyName\":\"" + d[1] + "\"}}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(arm.awaitTerminal(d[0]).at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        }
    }

    /** One whole chat request of 32 greedy tokens; its wall time in nanoseconds. */
    long chat(String base, String deployment) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/openai/deployments/" + deployment
                        + "/chat/completions?api-version=2024-10-21")).header("api-key", KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"messages\":[{\"role\":\"system\",\"content\":\"You answer briefly.\"},{\"role\":\"user\","
                                + "\"content\":\"What does a fine-tuning service do with my training data?\"}],"
                                + "\"max_tokens\":32,\"temperature\":0}")).build();
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - start;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return took;
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
