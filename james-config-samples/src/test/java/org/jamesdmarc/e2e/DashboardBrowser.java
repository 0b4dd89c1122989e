package org.jamesdmarc.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.jamesdmarc.testsupport.MissingTool;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven through Debian's chromedriver ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}; packages {@code chromium} and {@code chromium-driver}, installed by {@code .ci/run}),
 * with an empty profile of its own and nothing downloaded: the driver's path is given, so Selenium Manager never
 * runs. Missing browser or driver: {@link MissingTool}.
 */
final class DashboardBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    private final ChromeDriver driver;
    private final Path profile;

    private DashboardBrowser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static DashboardBrowser start(Path workDir) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            MissingTool.unavailable("Chromium and chromedriver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian packages chromium and chromium-driver)");
        }
        Path profile = Files.createTempDirectory(workDir, "chromium-profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1400,1700");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new DashboardBrowser(new ChromeDriver(service, options), profile);
    }

    /** Opens {@code url} and waits until the page's script has loaded its data (or failed). */
    String open(String url) throws InterruptedException {
        driver.get(url);
        return awaitLoaded();
    }

    /** Waits for the page's {@code data-loaded} mark: {@code true}, or {@code error} with {@code #error}'s text. */
    String awaitLoaded() throws InterruptedException {
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String state = driver.findElement(By.tagName("body")).getAttribute("data-loaded");
            if (state != null) {
                return state.equals("true") ? state : state + ": " + text("error");
            }
            Thread.sleep(100);
        }
        return "not loaded after " + LOAD_TIMEOUT;
    }

    /** Applies the filters of the page's form (a domain, or "" for all) and waits for the new data. */
    String filter(String domain) throws InterruptedException {
        script("document.body.removeAttribute('data-loaded')");
        WebElement input = driver.findElement(By.id("f-domain"));
        input.clear();
        input.sendKeys(domain);
        driver.findElement(By.id("f-apply")).click();
        return awaitLoaded();
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** The browser console's warnings and errors since the last call. */
    List<String> consoleProblems() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::toString).toList();
    }

    void screenshot(Path png) throws IOException {
        Files.createDirectories(png.getParent());
        Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
