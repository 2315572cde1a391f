package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The grader playground in the browser against the real graders API: a string_check grader run on a matching
 * sample gives reward 1, a non-matching one 0, a template naming a field the item lacks is flagged, and a malformed
 * grader shows the API's 400 with the field it names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalGraderPlaygroundTest {
    @TempDir static Path data;
    TestServer server;
    Browser browser;

    @BeforeAll
    void start() throws Exception {
        Optional<Path[]> executables = Browser.executables();
        if (executables.isEmpty()) return;
        server = TestServer.start(data);
        browser = Browser.start(executables.get()[0], executables.get()[1]);
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    @Test
    void aStringCheckGraderRunsValidatesAndRefusesAMalformedGrader() throws Exception {
        assumeTrue(browser != null, "Debian's chromium and chromium-driver are not installed (.ci/run installs them); "
                + "the grader playground's browser steps are skipped.");
        browser.driver.get(server.base + "/");
        browser.visible("#api-key").sendKeys(TestServer.KEY, Keys.ENTER);
        browser.until(Duration.ofSeconds(20), "the Files page", () -> browser.heading().equals("Files"));
        browser.find("#nav a[href='#/graders']").click();
        browser.until(Duration.ofSeconds(20), "the grader playground", () -> browser.heading().equals("Grader playground"));

        setText("#grader-json", "{\"type\":\"string_check\",\"name\":\"word\",\"input\":\"{{sample.output_text}}\","
                + "\"reference\":\"{{item.answer}}\",\"operation\":\"eq\"}");
        setText("#grader-sample", "blue");
        setText("#grader-item", "{\"answer\":\"blue\"}");
        assertThat(run()).isEqualTo("1");
        assertThat(browser.find("#grader-reward").getText()).isEqualTo("1.000");
        assertThat(browser.find("#grader-errors").getText()).isEqualTo("No grading errors.");
        assertThat(browser.find("#grader-result").getText()).contains("word (string_check)");
        assertThat(browser.find("#status").getText()).isEqualTo("Reward 1.000.");

        setText("#grader-sample", "green");
        assertThat(run()).isEqualTo("0");

        // A field the item lacks: 200 with reward 0 and the flag set (docs/graders.md)
        setText("#grader-item", "{\"other\":\"blue\"}");
        assertThat(run()).isEqualTo("0");
        assertThat(browser.find("#grader-errors li[data-error='invalid_variable_error']").getText())
                .startsWith("invalid_variable_error");

        browser.find("#grader-validate").click();
        browser.until(Duration.ofSeconds(20), "validation", () -> "true".equals(browser.find("#grader-result").getAttribute("data-valid")));
        assertThat(browser.find("#grader-result").getText()).isEqualTo("The grader is valid.");

        setText("#grader-json", "{\"type\":\"string_check\",\"name\":\"word\",\"input\":\"{{sample.output_text}}\","
                + "\"reference\":\"blue\",\"operation\":\"equals\"}");
        browser.find("#grader-run").click();
        browser.until(Duration.ofSeconds(20), "the 400", () -> !browser.driver.findElements(By.cssSelector("#grader-result .error")).isEmpty());
        WebElement error = browser.find("#grader-result .error");
        assertThat(error.getAttribute("data-param")).isEqualTo("grader.operation");
        assertThat(error.getText()).startsWith("grader.operation: ").contains("ilike");
        // The 400 is the answer this step asks for; the browser logs it as an error.
        assertThat(browser.consoleErrors(m -> m.contains("status of 400"))).isEmpty();

        setText("#grader-json", "{not json");
        browser.find("#grader-run").click();
        browser.until(Duration.ofSeconds(20), "the JSON error", () -> browser.find("#grader-result").getText()
                .startsWith("Grader is not valid JSON: "));
        assertThat(browser.consoleErrors(m -> false)).isEmpty();
        browser.screenshot("grader-playground");
    }

    void setText(String css, String text) {
        WebElement el = browser.find(css);
        el.clear();
        el.sendKeys(text);
    }

    /** Clicks Run and returns the reward the page shows once the answer came. */
    String run() {
        WebElement result = browser.find("#grader-result");
        browser.find("#grader-run").click();
        browser.until(Duration.ofSeconds(20), "the grader's reward", () -> result.getAttribute("data-reward") != null);
        return result.getAttribute("data-reward");
    }
}
