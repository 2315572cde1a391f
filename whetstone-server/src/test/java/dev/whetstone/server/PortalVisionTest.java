package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Role;
import dev.whetstone.testing.FakeModels;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * The playground attaches an image for a deployment whose model sees images, and only for one: the browser picks a
 * file, the page sends it as a data: URL content part, and the answer (the fake engine describes the decoded image
 * it received: size and top-left pixel) shows the image went through the service's loader to the model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalVisionTest {
    @TempDir static Path data;
    TestServer server;
    Browser browser;
    Path redPng;

    @BeforeAll
    void start() throws Exception {
        Optional<Path[]> executables = Browser.executables();
        if (executables.isEmpty()) return;
        server = TestServer.start(data);
        FakeModels.createVision(data.resolve("models"), "tiny-vision");
        ArmClient arm = new ArmClient(server.base,
                server.adminToken());
        deploy(arm, "eyes", "tiny-vision");
        deploy(arm, "words", "tiny-chat");
        BufferedImage red = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) red.setRGB(x, y, 0xFF0000);
        redPng = data.resolve("red.png");
        ImageIO.write(red, "png", redPng.toFile());
        browser = Browser.start(executables.get()[0], executables.get()[1]);
    }

    /** The portal's account (api.js ARM): the playground lists its deployments. */
    static final String PORTAL_ACCOUNT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/whetstone"
            + "/providers/Microsoft.CognitiveServices/accounts/local";

    static void deploy(ArmClient arm, String name, String model) throws Exception {
        String path = PORTAL_ACCOUNT + "/deployments/" + name + "?" + ArmClient.V;
        assertThat(arm.send("PUT", path, ArmClient.howToBody(model)).statusCode()).isEqualTo(201);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!ArmClient.json(arm.send("GET", path, null)).at("/properties/provisioningState").asText().equals("Succeeded")) {
            assertThat(System.nanoTime()).as(name + " deployed").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    @BeforeEach
    void needsTheBrowser() {
        assumeTrue(browser != null, "Debian's chromium and chromium-driver are not installed (.ci/run installs them); "
                + "the playground's image steps are skipped.");
    }

    @Test
    void anImageAttachedInThePlaygroundReachesAVisionModelAndTextDeploymentsOfferNoAttachment() throws Exception {
        browser.driver.get(server.base + "/");
        browser.visible("#api-key").sendKeys(TestServer.KEY, Keys.ENTER);
        browser.until(Duration.ofSeconds(20), "the Files page", () -> browser.heading().equals("Files"));
        browser.driver.get(server.base + "/#/playground?deployment=eyes");
        browser.until(Duration.ofSeconds(20), "the playground", () -> browser.heading().equals("Playground"));

        browser.until(Duration.ofSeconds(20), "the chat form", () -> !browser.driver.findElements(By.cssSelector("#chat-form, #no-deployments")).isEmpty());
        assertThat(browser.driver.findElements(By.cssSelector("#no-deployments"))).as(browser.driver.findElement(By.tagName("main")).getText()).isEmpty();
        assertThat(browser.find("#chat-image-field").isDisplayed()).as("a vision deployment takes images").isTrue();
        browser.find("#chat-image").sendKeys(redPng.toAbsolutePath().toString());
        assertThat(browser.find("#chat-image-name").getText()).isEqualTo("red.png");
        browser.find("#chat-input").sendKeys("Which colour?", Keys.ENTER);
        browser.until(Duration.ofSeconds(30), "the streamed answer", () -> !browser.driver.findElements(
                By.cssSelector("#chat-log li.assistant[data-done='true']")).isEmpty());
        assertThat(browser.find("#chat-error").getText()).isEmpty();
        assertThat(browser.find("#chat-log li.assistant .content").getText())
                .as("the model saw the decoded 8 × 8 red image").isEqualTo("echo: Which colour? <image 8x8 #ff0000>");
        assertThat(browser.find("#chat-log li.user img.attached").getAttribute("src")).startsWith("data:image/png;base64,");
        assertThat(browser.find("#chat-image-name").getText()).as("the attachment went with that message").isEmpty();
        browser.screenshot("vision-playground");

        new Select(browser.find("#chat-deployment")).selectByValue("words");
        assertThat(browser.find("#chat-image-field").isDisplayed()).as("a text deployment takes no images").isFalse();
    }

    @Test
    void thePageRefusesFilesThatAreNotSupportedImagesOrTooLargeBeforeSendingThem() {
        browser.driver.get(server.base + "/");
        Object result = ((JavascriptExecutor) browser.driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "import('/portal/js/playground.js').then(async m => {"
                + "  const out = {};"
                + "  try { await m.readImage(new File(['BM'], 'a.bmp', {type: 'image/bmp'})); } catch (e) { out.bmp = e.message; }"
                + "  try { await m.readImage(new File([new Uint8Array(m.MAX_IMAGE_BYTES + 1)], 'big.png', {type: 'image/png'})); }"
                + "  catch (e) { out.big = e.message; }"
                + "  out.ok = await m.readImage(new File([new Uint8Array([137, 80, 78, 71])], 'a.png', {type: 'image/png'}));"
                + "  out.content = m.userContent('hi', out.ok);"
                + "  out.text = m.userContent('hi', null);"
                + "  out.vision = [m.seesImages({properties: {capabilities: {vision: 'true'}}}),"
                + "    m.seesImages({properties: {capabilities: {vision: 'false'}}}), m.seesImages(undefined)];"
                + "  done(out);"
                + "}).catch(e => done({error: 'script: ' + e}));");
        Map<?, ?> r = (Map<?, ?>) result;
        assertThat(r.get("error")).isNull();
        assertThat((String) r.get("bmp")).contains("a.bmp is image/bmp").contains("PNG, JPEG, WEBP or GIF");
        assertThat((String) r.get("big")).contains("big.png has 10485761 bytes").contains("at most 10485760");
        assertThat(r.get("ok")).isEqualTo("data:image/png;base64,iVBORw==");
        assertThat(r.get("content")).isEqualTo(java.util.List.of(Map.of("type", "text", "text", "hi"),
                Map.of("type", "image_url", "image_url", Map.of("url", "data:image/png;base64,iVBORw=="))));
        assertThat(r.get("text")).isEqualTo("hi");
        assertThat(r.get("vision")).isEqualTo(java.util.List.of(true, false, false));
    }
}
