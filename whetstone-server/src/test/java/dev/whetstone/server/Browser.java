package dev.whetstone.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromium-driver (never a downloaded browser: Selenium Manager is
 * bypassed by naming both executables), with the console log read back and screenshots kept as test artifacts.
 */
final class Browser implements AutoCloseable {
    /** A laptop screen. */
    static final Dimension LAPTOP = new Dimension(1366, 900);
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final WebDriver driver;

    private Browser(WebDriver driver) {
        this.driver = driver;
    }

    /** The Chromium and ChromeDriver executables: WHETSTONE_CHROMIUM / WHETSTONE_CHROMEDRIVER or on the PATH. */
    static Optional<Path[]> executables() {
        Optional<Path> browser = find("WHETSTONE_CHROMIUM", "chromium");
        Optional<Path> driver = find("WHETSTONE_CHROMEDRIVER", "chromedriver");
        return browser.isPresent() && driver.isPresent() ? Optional.of(new Path[]{browser.get(), driver.get()}) : Optional.empty();
    }

    private static Optional<Path> find(String variable, String name) {
        String set = System.getenv(variable);
        if (set != null && !set.isBlank()) return Optional.of(Path.of(set)).filter(Files::isExecutable);
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isBlank()).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst();
    }

    static Browser start(Path chromium, Path chromedriver) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + LAPTOP.width + "," + LAPTOP.height, "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(LAPTOP);
        return new Browser(driver);
    }

    WebDriverWait waiting(Duration timeout) {
        // The pages re-render their tables as they poll: an element read mid-render is simply looked up again.
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    WebElement visible(By by) {
        return waiting(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    WebElement visible(String css) { return visible(By.cssSelector(css)); }

    WebElement find(String css) { return driver.findElement(By.cssSelector(css)); }

    void until(Duration timeout, String what, BooleanSupplier condition) {
        waiting(timeout).withMessage(what).until(d -> condition.getAsBoolean());
    }

    /** The page's heading; empty while a page is being replaced. */
    String heading() {
        List<WebElement> h1 = driver.findElements(By.cssSelector("main h1"));
        try {
            return h1.isEmpty() ? "" : h1.getFirst().getText();
        } catch (StaleElementReferenceException e) {
            return "";
        }
    }

    /** Console entries at SEVERE (uncaught errors, failed requests) since the last call, less the expected ones. */
    List<String> consoleErrors(Predicate<String> expected) {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        return entries.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).filter(expected.negate()).toList();
    }

    /** The viewport as a PNG under target/screenshots/NAME.png. */
    Path screenshot(String name) throws IOException {
        return save(name, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /**
     * The whole page, and one element of it on its own: the window is grown to the page's height for the shots (an
     * element below the fold would be cut off), then set back to the laptop size.
     */
    void fullPage(String name, WebElement element, String elementName) throws IOException {
        Object height = ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(LAPTOP.width, Math.max(LAPTOP.height, ((Number) height).intValue() + 40)));
        try {
            screenshot(name);
            save(elementName, element.getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.manage().window().setSize(LAPTOP);
        }
    }

    private static Path save(String name, byte[] png) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        return Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
