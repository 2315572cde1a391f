package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The portal's modules run in the browser on hand-made input: the metrics module (results.csv and metrics events →
 * chart columns), so the charts' numbers are checked exactly, and the chat stream reader, fed a server-sent event
 * stream cut at awkward places.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalModulesTest {
    static final String CSV = "step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,"
            + "full_valid_loss,full_valid_mean_token_accuracy\n"
            + "1,2.5,0.2,,,,\n2,2.0,0.4,1.5,0.5,1.4,0.6\n3,1.5,0.6,,,,\n4,1.0,0.8,0.9,0.7,0.8,0.9\n";

    @TempDir static Path data;
    TestServer server;
    Browser browser;

    @BeforeAll
    void start() throws Exception {
        Optional<Path[]> executables = Browser.executables();
        if (executables.isEmpty()) return;
        server = TestServer.start(data);
        browser = Browser.start(executables.get()[0], executables.get()[1]);
        browser.driver.get(server.base + "/");
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    @BeforeEach
    void needsTheBrowser() {
        assumeTrue(browser != null, "Debian's chromium and chromium-driver are not installed (.ci/run installs them); "
                + "the portal's module checks in the browser are skipped.");
        browser.driver.get(server.base + "/"); // a fresh page: no stand-in fetch from an earlier test
    }

    /** Runs `body` (a function of the imported module m) in the page and returns its JSON-able result. */
    Object run(String body) {
        return ((JavascriptExecutor) browser.driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "import('/portal/js/metrics.js').then(m => done((() => {" + body + "})()))"
                + ".catch(e => done('error: ' + e));");
    }

    @Test
    void resultsCsvParsesWithEmptyCellsAsNull() {
        Object rows = run("return m.parseResultsCsv(" + js(CSV) + ");");
        assertThat(rows).asList().hasSize(4);
        Map<?, ?> first = (Map<?, ?>) ((List<?>) rows).getFirst();
        assertThat(first.get("step")).isEqualTo(1L);
        assertThat(first.get("train_loss")).isEqualTo(2.5);
        assertThat(first.containsKey("valid_loss")).isTrue();
        assertThat(first.get("valid_loss")).isNull();
    }

    @Test
    void eventsAndResultsMergeByStepAndTheCsvWins() {
        Object merged = run("return m.mergeRows(m.eventRows([{type:'metrics',data:{step:4,train_loss:9,total_steps:4}},"
                + "{type:'message',data:null},{type:'metrics',data:{step:6,train_loss:0.5}}]), m.parseResultsCsv("
                + js(CSV) + ")).map(r => [r.step, r.train_loss]);");
        assertThat(merged).isEqualTo(List.of(List.of(1L, 2.5), List.of(2L, 2L), List.of(3L, 1.5), List.of(4L, 1L),
                List.of(6L, 0.5)));
    }

    @Test
    void tokenAccuracyIsTheMeanSinceTheEpochBeganAndFullValidationOnlyAtEpochEnds() {
        Object charts = run("const rows = m.parseResultsCsv(" + js(CSV) + ");"
                + "const per = m.stepsPerEpoch([{type:'metrics',data:{step:4,total_steps:4}}], {hyperparameters:{n_epochs:2}});"
                + "const d = m.chartData(rows, per); return {per, token: d.tokenAccuracy, loss: d.loss};");
        Map<?, ?> result = (Map<?, ?>) charts;
        assertThat(result.get("per")).isEqualTo(2L);
        List<?> token = (List<?>) result.get("token");
        assertThat(token.get(0)).isEqualTo(List.of(1L, 2L, 3L, 4L));
        numbers(token.get(1), 0.2, 0.3, 0.6, 0.7); // epoch 2 starts over at step 3
        numbers(token.get(2), null, 0.5, null, 0.7);
        numbers(token.get(3), null, 0.6, null, 0.9);
        numbers(((List<?>) result.get("loss")).get(3), null, 1.4, null, 0.8);
    }

    @Test
    void dpoResultsGiveRewardChartsAndSupervisedResultsDoNot() {
        String dpo = "step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,full_valid_loss,"
                + "full_valid_mean_token_accuracy,train_reward_accuracy,train_reward_margin,valid_reward_accuracy,"
                + "valid_reward_margin\n1,0.69,0.5,,,,,0.5,0.01,,\n2,0.4,0.6,0.5,0.5,,,1,0.8,0.75,0.4\n";
        Map<?, ?> d = (Map<?, ?>) run("return m.chartData(m.parseResultsCsv(" + js(dpo) + "), null);");
        numbers(((List<?>) d.get("rewardAccuracy")).get(1), 0.5, 1.0);
        numbers(((List<?>) d.get("rewardAccuracy")).get(2), null, 0.75);
        numbers(((List<?>) d.get("rewardMargin")).get(1), 0.01, 0.8);
        numbers(((List<?>) d.get("rewardMargin")).get(2), null, 0.4);
        Map<?, ?> sft = (Map<?, ?>) run("return m.chartData(m.parseResultsCsv(" + js(CSV) + "), null);");
        assertThat(sft.containsKey("rewardAccuracy")).isFalse();
    }

    @Test
    void reinforcementResultsGiveRewardKlAndAnswerLengthCharts() {
        String rft = "step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,full_valid_loss,"
                + "full_valid_mean_token_accuracy,train_reward_mean,valid_reward_mean,train_kl,train_answer_length\n"
                + "1,0.1,,,,,,0.25,0.1,0,7.5\n2,0.05,,,,,,0.5,,0.02,6\n3,0.02,,,,,,0.875,0.9,0.04,4.25\n";
        Map<?, ?> d = (Map<?, ?>) run("return m.chartData(m.mergeRows(m.parseResultsCsv(" + js(rft) + ")), null);");
        numbers(((List<?>) d.get("rewardMean")).get(1), 0.25, 0.5, 0.875);
        numbers(((List<?>) d.get("rewardMean")).get(2), 0.1, null, 0.9);
        numbers(((List<?>) d.get("kl")).get(1), 0.0, 0.02, 0.04);
        numbers(((List<?>) d.get("answerLength")).get(1), 7.5, 6.0, 4.25);
        numbers(((List<?>) d.get("answerLength")).get(2), null, null, null);
        assertThat(d.containsKey("rewardAccuracy")).as("no DPO charts").isFalse();
        Map<?, ?> sft = (Map<?, ?>) run("return m.chartData(m.parseResultsCsv(" + js(CSV) + "), null);");
        assertThat(sft.containsKey("rewardMean")).isFalse();
    }

    /** The job page's chart set drawn (uPlot from its webjar) on a reinforcement job's rows: the three extra figures. */
    @Test
    void aReinforcementJobDrawsMeanRewardKlAndAnswerLengthCharts() {
        String rft = "step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,full_valid_loss,"
                + "full_valid_mean_token_accuracy,train_reward_mean,valid_reward_mean,train_kl,train_answer_length\n"
                + "1,0.1,0.5,,,,,0.25,0.1,0,7.5\n2,0.05,0.5,,,,,0.5,,0.02,6\n3,0.02,0.5,,,,,0.875,0.9,0.04,4.25\n";
        Object figures = ((JavascriptExecutor) browser.driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "Promise.all([import('/portal/js/metrics.js'), import('/portal/js/charts.js')]).then(async ([m, c]) => {"
                + "  const box = document.createElement('div'); document.body.append(box);"
                + "  const charts = new c.Charts(box);"
                + "  await charts.update(m.chartData(m.parseResultsCsv(" + js(rft) + "), null));"
                + "  done([...box.querySelectorAll('figure')].map(f => [f.dataset.chart, f.getAttribute('data-train-points'),"
                + "    f.getAttribute('data-valid-points'), f.querySelectorAll('canvas').length > 0, f.querySelector('figcaption').textContent]));"
                + "}).catch(e => done('error: ' + e));");
        assertThat(figures).isEqualTo(List.of(
                List.of("loss", "3", "0", true, "Loss"),
                List.of("meanTokenAccuracy", "3", "0", true, "Mean token accuracy"),
                List.of("tokenAccuracy", "3", "0", true, "Token accuracy (epoch to date)"),
                List.of("rewardMean", "3", "2", true, "Mean reward (reinforcement)"),
                List.of("kl", "3", "0", true, "KL to the reference (reinforcement)"),
                List.of("answerLength", "3", "0", true, "Answer length (reinforcement)")));
    }

    @Test
    void stepsPerEpochIsUnknownUntilThePlanIsAndThenTheRunIsOneEpoch() {
        assertThat(run("return m.stepsPerEpoch([], {hyperparameters:{n_epochs:-1}});")).isNull();
        numbers(run("return m.chartData(m.parseResultsCsv(" + js(CSV) + "), null).tokenAccuracy[1];"), 0.2, 0.3, 0.4, 0.5);
    }

    /** A JS number array compared within rounding; null where the chart has a gap. */
    static void numbers(Object actual, Double... expected) {
        List<?> values = (List<?>) actual;
        assertThat(values).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == null) assertThat(values.get(i)).as("index " + i).isNull();
            else assertThat(((Number) values.get(i)).doubleValue()).as("index " + i).isCloseTo(expected[i], within(1e-12));
        }
    }

    @Test
    void theConsoleCheckTheBrowserStepsRelyOnSeesErrors() {
        browser.consoleErrors(m -> false); // drain
        ((JavascriptExecutor) browser.driver).executeScript("console.error('portal console probe')");
        assertThat(browser.consoleErrors(m -> false)).anyMatch(m -> m.contains("portal console probe"));
        assertThat(browser.consoleErrors(m -> false)).isEmpty();
    }

    /**
     * Streams a chat through api.js with fetch answering `status` and these body pieces, and returns what the
     * reader yielded (or the error it threw) and the request it sent.
     */
    Map<?, ?> stream(int status, String... pieces) {
        StringBuilder parts = new StringBuilder("[");
        for (String p : pieces) parts.append(js(p)).append(',');
        String script = "const done = arguments[arguments.length - 1];"
                + "sessionStorage.setItem('whetstone.apiKey', 'k1');"
                + "import('/portal/js/api.js').then(async api => {"
                + "  const parts = " + parts + "]; const enc = new TextEncoder(); let request = null;"
                + "  window.fetch = async (url, init) => { request = {url, body: JSON.parse(init.body), key: init.headers['api-key']};"
                + "    return new Response(new ReadableStream({start(c) { parts.forEach(p => c.enqueue(enc.encode(p))); c.close(); }}),"
                + "      {status: " + status + ", headers: {'Content-Type': 'text/event-stream'}}); };"
                + "  const out = [];"
                + "  try { for await (const piece of api.streamChat('dep 1', {messages: [{role: 'user', content: 'hi'}]})) out.push(piece); }"
                + "  catch (e) { return done({out, request, error: e.message, status: e.status ?? null}); }"
                + "  done({out, request});"
                + "}).catch(e => done({error: 'script: ' + e}));";
        return (Map<?, ?>) ((JavascriptExecutor) browser.driver).executeAsyncScript(script);
    }

    @Test
    void theChatStreamIsReadAcrossChunkBoundariesUntilDone() {
        Map<?, ?> r = stream(200, "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\ndata: {\"cho",
                "ices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n", "\ndata: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\r\n\r\n",
                "data: {\"choices\":[],\"usage\":{\"total_tokens\":3}}\n\ndata: [DONE]\n\n",
                "data: {\"choices\":[{\"delta\":{\"content\":\"after done\"}}]}\n\n");
        assertThat(r.get("error")).isNull();
        assertThat(r.get("out")).isEqualTo(List.of("Hel", "lo"));
        Map<?, ?> request = (Map<?, ?>) r.get("request");
        assertThat(request.get("url")).isEqualTo("/openai/deployments/dep%201/chat/completions?api-version=2024-10-21");
        assertThat(request.get("key")).isEqualTo("k1");
        assertThat(((Map<?, ?>) request.get("body")).get("stream")).isEqualTo(true);
    }

    @Test
    void anErrorMidStreamAndAnErrorStatusBothReachTheCaller() {
        Map<?, ?> mid = stream(200, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n",
                "data: {\"error\":{\"code\":\"server_error\",\"message\":\"engine stopped\"}}\n\n");
        assertThat(mid.get("out")).isEqualTo(List.of("a"));
        assertThat(mid.get("error")).isEqualTo("engine stopped");
        Map<?, ?> notFound = stream(404, "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment "
                + "for this resource does not exist.\"}}");
        assertThat(notFound.get("out")).isEqualTo(List.of());
        assertThat(notFound.get("status")).isEqualTo(404L);
        assertThat(notFound.get("error")).isEqualTo("The API deployment for this resource does not exist.");
    }

    static String js(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r") + "'";
    }
}
