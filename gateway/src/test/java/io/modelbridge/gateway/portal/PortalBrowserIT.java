package io.modelbridge.gateway.portal;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole first-day flow in real headless Chromium (Debian's chromium and chromedriver, which ./run-tests
 * installs): sign up, confirm with the code from the SMTP server, see the key, call the gateway with it through the
 * OpenAI Java SDK, and see the call in the dashboard's usage.
 */
class PortalBrowserIT {
    @TempDir
    static Path dataDir;
    @TempDir
    static Path profile;
    static PortalSetup setup;
    static ChromeDriverService driverService;
    static WebDriver browser;

    @BeforeAll
    static void start() {
        setup = new PortalSetup(dataDir);
        setup.gateway.admin("PUT", "/prices/chat", JSON.createObjectNode().put("input_per_1k", 1)
                .put("output_per_1k", 2));
        setup.gateway.admin("PATCH", "/portal", JSON.createObjectNode().put("free_quota", 500));
        driverService = new ChromeDriverService.Builder().usingDriverExecutable(new File(executable("chromedriver")))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(executable("chromium")).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1200,2000", "--user-data-dir=" + profile);
        browser = new ChromeDriver(driverService, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        setup.close();
    }

    @Test
    void signUpConfirmCallTheGatewayAndSeeTheCallInTheDashboard() throws Exception {
        String email = "newcomer@example.com";
        browser.get(setup.api() + "/");
        assertTrue(browser.findElement(By.id("models")).getText().contains("chat"));
        browser.findElement(By.linkText("Sign up with your email")).click();
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(PortalSetup.PASSWORD);
        browser.findElement(By.id("signup")).click();

        waitFor(By.id("code")).sendKeys(setup.mail.code(email, 1));
        browser.findElement(By.id("confirm")).click();

        String key = waitFor(By.id("new-key")).getText();
        assertTrue(key.startsWith("mb-"), key);
        assertEquals("500", browser.findElement(By.id("quota")).getText());

        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(setup.api() + "/v1").apiKey(key).build();
        try {
            ChatCompletion reply = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("chat").addUserMessage("Hello from the portal test").build());
            assertFalse(reply.choices().get(0).message().content().orElse("").isEmpty());
        } finally {
            client.close();
        }

        String recent = PortalIT.eventually(() -> {
            browser.findElement(By.linkText("Dashboard")).click();
            return browser.findElements(By.id("recent")).isEmpty() ? "" : browser.findElement(By.id("recent")).getText();
        }, text -> text.contains("chat"));
        assertTrue(recent.contains("chat") && recent.contains("200"), recent);
        assertFalse(browser.getPageSource().contains(key), "the secret is not shown again");
        assertFalse(browser.findElements(By.cssSelector("#requests-chart rect")).isEmpty(), "today's bar is drawn");
        for (String chart : List.of("requests-chart", "tokens-chart")) {
            Rectangle svg = browser.findElement(By.id(chart)).getRect();
            Rectangle today = browser.findElements(By.cssSelector("#" + chart + " text")).getLast().getRect();
            assertTrue(today.getX() + today.getWidth() <= svg.getX() + svg.getWidth() && today.getX() >= svg.getX(),
                    chart + ": today's date label " + today.getX() + "+" + today.getWidth() + " lies within the chart "
                    + svg.getX() + "+" + svg.getWidth());
        }
        assertTrue(Double.parseDouble(browser.findElement(By.id("quota")).getText()) < 500, "the call was billed");
        Files.write(Path.of("target/portal-dashboard.png"),
                ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** The submit button under the password box, not beside it; CJK system fonts for Chinese text. */
    @Test
    void formsPutTheButtonBelowThePasswordAndChineseHasCjkFonts() {
        browser.manage().deleteAllCookies(); // signed out, whichever test ran first
        List<String> problems = new ArrayList<>();
        for (String page : List.of("/signup", "/login", "/signup?lang=zh", "/login?lang=zh")) {
            browser.get(setup.api() + page);
            Rectangle password = browser.findElement(By.id("password")).getRect();
            Rectangle button = browser.findElement(By.id(page.startsWith("/signup") ? "signup" : "login")).getRect();
            if (button.getY() < password.getY() + password.getHeight()) {
                problems.add(page + ": the button's top " + button.getY() + " is above the password box's bottom "
                        + (password.getY() + password.getHeight()));
            }
        }
        for (String element : List.of("body", "button", "input#email")) {
            String fonts = browser.findElement(By.cssSelector(element)).getCssValue("font-family");
            for (String cjk : List.of("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
                    "Source Han Sans SC", "WenQuanYi Micro Hei")) {
                if (!fonts.contains(cjk)) {
                    problems.add(element + " lacks " + cjk + ": " + fonts);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    private static org.openqa.selenium.WebElement waitFor(By locator) {
        return new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** Debian's chromium and chromedriver live in /usr/bin; elsewhere, whatever the PATH has. */
    private static String executable(String name) {
        Path debian = Path.of("/usr/bin", name);
        if (Files.isExecutable(debian)) {
            return debian.toString();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        throw new AssertionError(name + " is not installed: ./run-tests installs Debian's chromium and"
                + " chromium-driver; run it, or apt-get install them");
    }
}
