package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The whole workflow from the browser alone, against the service as {@code whetstone serve} builds it (SQLite, the
 * real trainer, the demo models): sign in, upload, start a job on tiny-chat, watch its charts and its success,
 * deploy it, chat with it. The steps run in order on one server and one browser; each asserts what the page shows
 * and that the browser console has no errors, and saves a screenshot under target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalBrowserTest {
    static final String KEY = "portal-browser-key";

    @TempDir static Path data;
    WhetstoneServer server;
    Browser browser;
    String base;
    /** Why the deployment steps cannot run here, or null when the service has the deployments API. */
    String jobId;
    String deployment;

    @BeforeAll
    void start() throws Exception {
        Optional<Path[]> executables = Browser.executables();
        if (executables.isEmpty()) return;
        server = WhetstoneServer.start(new ServerConfig("127.0.0.1", 0, data, null, null, Set.of(KEY), Map.of(),
                ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, false, Duration.ofSeconds(30), true));
        base = "http://127.0.0.1:" + server.port();
        browser = Browser.start(executables.get()[0], executables.get()[1]);
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    @BeforeEach
    void needsTheBrowser() {
        assumeTrue(browser != null, "Debian's chromium and chromium-driver are not installed (.ci/run installs them: "
                + "apt-get install chromium chromium-driver); the portal's browser steps are skipped.");
    }

    /** Console errors a step causes on purpose. */
    java.util.function.Predicate<String> expectedErrors = m -> false;

    @AfterEach
    void noConsoleErrors() {
        if (browser == null) return;
        List<String> errors = browser.consoleErrors(expectedErrors);
        expectedErrors = m -> false;
        assertThat(errors).as("browser console errors").isEmpty();
    }

    /** A 404 on the ARM deployments list means the deployments API is not in this build yet. */
    @Test
    @Order(1)
    void signInWithTheApiKey() throws Exception {
        browser.driver.get(base + "/");
        browser.visible("#api-key");
        assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).as("focus starts in the key field")
                .isEqualTo("api-key");
        // The wrong key is answered 401 on purpose; the browser logs that response as an error.
        expectedErrors = m -> m.contains("status of 401");
        browser.driver.switchTo().activeElement().sendKeys("not-the-key", Keys.ENTER);
        assertThat(browser.visible("#sign-in-error .error").getText()).contains("The key was not accepted");
        browser.find("#api-key").clear();
        browser.find("#api-key").sendKeys(KEY, Keys.ENTER);
        browser.until(Duration.ofSeconds(20), "the Files page", () -> browser.heading().equals("Files"));
        assertThat(browser.find("#nav").isDisplayed()).isTrue();
        assertThat(browser.find("#nav a[aria-current=page]").getText()).isEqualTo("Files");
        assertThat(browser.find("#status").getText()).isEqualTo("Signed in.");
        browser.screenshot("01-signed-in");
    }

    @Test
    @Order(2)
    void uploadTrainingAndValidationFilesAndSeeTheirValidation() throws Exception {
        Path train = Files.writeString(data.resolve("train.jsonl"), chatLines(10));
        Path valid = Files.writeString(data.resolve("valid.jsonl"), chatLines(4));
        Path bad = Files.writeString(data.resolve("bad.jsonl"),
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"bot\",\"content\":\"yo\"}]}\n");
        for (Path file : List.of(train, valid, bad)) {
            browser.visible("#upload-file").sendKeys(file.toAbsolutePath().toString());
            browser.find("#upload-button").click();
            browser.until(Duration.ofSeconds(20), "upload of " + file.getFileName(),
                    () -> browser.find("#upload-progress-text").getText().equals("Done") && browser.find("#upload-button").isEnabled());
            browser.until(Duration.ofSeconds(20), file.getFileName() + " listed", () -> !browser.driver.findElements(
                    By.cssSelector("tr[data-filename='" + file.getFileName() + "']")).isEmpty());
        }
        assertThat(browser.find("#upload-progress").getAttribute("value")).isEqualTo("100");
        browser.until(Duration.ofSeconds(30), "validation of all three", () -> status("train.jsonl").equals("processed")
                && status("valid.jsonl").equals("processed") && status("bad.jsonl").equals("error"));
        assertThat(row("train.jsonl").getText()).contains("10 examples");
        assertThat(row("bad.jsonl").findElement(By.cssSelector(".details")).getText())
                .contains("Line 1").contains("bot");
        browser.screenshot("02-files");
        browser.find("tr[data-filename='bad.jsonl'] button").click();
        browser.waiting(Duration.ofSeconds(5)).until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent())
                .accept();
        browser.until(Duration.ofSeconds(20), "bad.jsonl deleted", () -> browser.driver
                .findElements(By.cssSelector("tr[data-filename='bad.jsonl']")).isEmpty());
        assertThat(browser.find("#status").getText()).isEqualTo("Deleted bad.jsonl.");
    }

    @Test
    @Order(3)
    void startAJobOnTinyChatFromTheForm() throws Exception {
        browser.find("#nav a[href='#/jobs']").click();
        browser.until(Duration.ofSeconds(20), "the jobs page", () -> browser.heading().equals("Fine-tuning jobs"));
        // Keyboard users land on the new page's heading, not at the top of the document.
        browser.until(Duration.ofSeconds(5), "focus on the heading", () -> browser.driver.switchTo().activeElement().getTagName().equals("h1"));
        new Select(browser.visible("#job-model")).selectByValue("tiny-chat");
        selectFile("#job-training-file", "train.jsonl");
        selectFile("#job-validation-file", "valid.jsonl");
        browser.find("#job-suffix").sendKeys("portal");
        browser.find("#job-seed").sendKeys("7");
        browser.find("#job-epochs").sendKeys("10");
        browser.find("#job-batch-size").sendKeys("2");
        browser.find("#job-lrm").sendKeys("2");
        browser.screenshot("03-create-job");
        browser.find("#create-job-button").click();
        browser.until(Duration.ofSeconds(20), "the job page", () -> browser.driver.getCurrentUrl().contains("#/jobs/ftjob-"));
        jobId = browser.driver.getCurrentUrl().replaceAll(".*#/jobs/", "");
        browser.until(Duration.ofSeconds(20), "the job's page", () -> browser.heading().equals("Job " + jobId));
        assertThat(browser.visible("#job-facts").getText()).contains("tiny-chat");
        assertThat(browser.find("#charts").findElements(By.cssSelector("figure.chart"))).hasSize(3);
    }

    void selectFile(String css, String filename) {
        Select select = new Select(browser.visible(css));
        WebElement option = select.getOptions().stream().filter(o -> o.getText().startsWith(filename + " ")).findFirst()
                .orElseThrow(() -> new AssertionError(filename + " is not offered in " + css));
        select.selectByValue(option.getAttribute("value"));
    }

    @Test
    @Order(4)
    void theChartsFillInAndTheJobSucceeds() throws Exception {
        assertThat(jobId).as("step 3 started no job").isNotNull();
        // 10 examples, batch 2, 10 epochs: 50 steps, a full validation at the end of each epoch; at 2 × the LoRA base
        // rate (2e-3) the demo model learns these short answers within the job, so the curves move (at 4e-3 it
        // mixed the answers up).
        // What the charts held while the job ran: the steps counted at each look (the demo job may finish first).
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        browser.until(Duration.ofMinutes(4), "job " + jobId + " to succeed", () -> {
            seen.add(points("loss", "data-train-points"));
            return browser.find("#job-facts [data-status]").getAttribute("data-status").equals("succeeded");
        });
        System.out.println("portal: training points in the loss chart while job " + jobId + " ran: " + seen);
        browser.until(Duration.ofSeconds(20), "all 50 steps in the charts", () -> points("loss", "data-train-points") == 50);
        for (String chart : List.of("loss", "meanTokenAccuracy", "tokenAccuracy")) {
            WebElement figure = browser.find("figure[data-chart='" + chart + "']");
            assertThat(figure.findElements(By.cssSelector("canvas"))).as(chart).isNotEmpty();
            assertThat(points(chart, "data-train-points")).as(chart + " training").isEqualTo(50);
            assertThat(points(chart, "data-valid-points")).as(chart + " validation").isPositive();
            assertThat(points(chart, "data-full-valid-points")).as(chart + " epoch ends").isEqualTo(10);
            assertThat(figure.findElement(By.cssSelector(".summary")).getText()).startsWith("Step 50:");
        }
        assertThat(browser.find("#fine-tuned-model").getText()).startsWith("tiny-chat.ft-").endsWith("-portal");
        assertThat(browser.find("#job-hyperparameters").getText()).contains("Epochs\n10").contains("Batch size\n2");
        WebElement download = browser.find("#results-link");
        assertThat(download.getAttribute("download")).isEqualTo("results.csv");
        assertThat(download.getAttribute("href")).startsWith("blob:");
        assertThat(browser.find("#job-checkpoints").findElements(By.cssSelector("tbody tr"))).hasSize(3);
        assertThat(browser.find("#job-events").getText()).contains("Job succeeded.").contains("Step 10: training loss=");
        // Both safety phases ran on the production wiring and the page says how they ended (docs/safety.md).
        WebElement safety = browser.find("#job-safety");
        assertThat(safety.findElements(By.cssSelector("[data-safety='passed']"))).hasSize(2);
        assertThat(safety.getText()).contains("Data evaluation\npassed 10 examples checked")
                .contains("Model evaluation\npassed deployable, 20 probe answers classified (probes-v1; flagged: hate 0.00");
        assertThat(browser.find("#job-events").getText()).contains("Model Evaluation Passed.");
        assertThat(browser.find("#status").getText()).isEqualTo("Job " + jobId + ": succeeded.");
        browser.fullPage("04-job-succeeded", browser.find("#charts"), "04-job-charts");
    }

    int points(String chart, String attribute) {
        String v = browser.find("figure[data-chart='" + chart + "']").getAttribute(attribute);
        return v == null ? 0 : Integer.parseInt(v);
    }

    @Test
    @Order(5)
    void theModelsPageListsTheFineTunedModel() throws Exception {
        assertThat(jobId).as("step 3 started no job").isNotNull();
        browser.find("#nav a[href='#/models']").click();
        browser.until(Duration.ofSeconds(20), "the models page", () -> browser.heading().equals("Models"));
        WebElement tuned = browser.visible("#model-list tr[data-model-id$='-portal']");
        assertThat(tuned.getText()).contains("fine-tuned").contains(jobId).contains("chat").contains("succeeded");
        assertThat(tuned.findElement(By.cssSelector("td.safety [data-safety]")).getAttribute("data-safety")).isEqualTo("passed");
        assertThat(tuned.findElement(By.cssSelector("td.safety")).getText()).startsWith("passed deployable");
        assertThat(tuned.findElement(By.linkText("Deploy")).getAttribute("href")).contains("#/deployments?model=tiny-chat.ft-");
        assertThat(browser.find("#model-list tr[data-model-id='tiny-chat']").getText()).contains("base");
        browser.screenshot("05-models");
    }

    @Test
    @Order(6)
    void deployTheFineTunedModel() throws Exception {
        assertThat(jobId).as("step 3 started no job").isNotNull();
        browser.driver.get(base + "/#/jobs/" + jobId);
        browser.visible("#deploy-job-model").click();
        browser.until(Duration.ofSeconds(20), "the deployments page", () -> browser.heading().equals("Deployments"));
        String model = new Select(browser.visible("#deploy-model")).getFirstSelectedOption().getAttribute("value");
        assertThat(model).startsWith("tiny-chat.ft-").endsWith("-portal");
        deployment = browser.find("#deploy-name").getAttribute("value");
        assertThat(deployment).isEqualTo(model);
        browser.find("#deploy-button").click();
        String row = "tr[data-deployment='" + deployment + "']";
        browser.until(Duration.ofMinutes(2), "deployment " + deployment + " to be provisioned", () -> Set.of("Succeeded", "Failed")
                .contains(String.valueOf(browser.visible(row).getAttribute("data-state"))));
        browser.screenshot("06-deployed");
        assertThat(browser.find(row).getAttribute("data-state")).as(browser.find(row).getText()).isEqualTo("Succeeded");
        // a Standard deployment is deleted after 15 days without inference: the list says when
        assertThat(browser.find(row + " td.expires").getText()).contains("if unused until then (never used)");
        assertThat(browser.find(row + " a").getText()).isEqualTo("Chat");
    }

    @Test
    @Order(7)
    void chatWithTheDeploymentInThePlayground() throws Exception {
        assertThat(deployment).as("step 5 deployed nothing").isNotNull();
        browser.visible("tr[data-deployment='" + deployment + "'] a").click();
        browser.until(Duration.ofSeconds(20), "the playground", () -> browser.heading().equals("Playground"));
        assertThat(new Select(browser.find("#chat-deployment")).getFirstSelectedOption().getAttribute("value")).isEqualTo(deployment);
        WebElement temperature = browser.find("#chat-temperature");
        temperature.sendKeys(Keys.HOME);
        assertThat(browser.find("#chat-temperature-value").getText()).isEqualTo("0");
        browser.find("#chat-max-tokens").clear();
        browser.find("#chat-max-tokens").sendKeys("16");
        // The job's own system message, so the fine-tuned model meets a trained conversation.
        browser.find("#chat-system").clear();
        browser.find("#chat-system").sendKeys("You are terse.");
        browser.find("#chat-input").sendKeys("Q1?", Keys.ENTER);
        browser.until(Duration.ofMinutes(1), "the streamed answer", () -> !browser.driver.findElements(
                By.cssSelector("#chat-log li.assistant[data-done='true']")).isEmpty());
        assertThat(browser.find("#chat-error").getText()).isEmpty();
        assertThat(browser.find("#chat-log li.user").getText()).contains("Q1?");
        assertThat(browser.find("#chat-log li.assistant .content").getText()).as("the trained answer, streamed")
                .isEqualTo("A1.");
        assertThat(browser.find("#status").getText()).isEqualTo("Response complete.");
        browser.screenshot("07-playground");
    }

    WebElement row(String filename) { return browser.find("tr[data-filename='" + filename + "']"); }

    String status(String filename) {
        return row(filename).findElement(By.cssSelector("[data-status]")).getAttribute("data-status");
    }

    static String chatLines(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Q")
                    .append(i).append("?\"},{\"role\":\"assistant\",\"content\":\"A").append(i).append(".\"}]}\n");
        }
        return b.toString();
    }
}
