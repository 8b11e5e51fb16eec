package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A browser chat app's view of the API, in real headless Chromium: a page served by another origin (a tiny server
 * on another port) calls chat completions with fetch, streamed and not, through the CORS preflight, and reads the
 * rate-limit and request-id headers. The gateway allows that page's origin only (MB_CORS_ORIGINS as a list): a page
 * of another origin gets nothing.
 */
class CorsBrowserIT {
    @TempDir
    static Path dataDir;
    @TempDir
    static Path profile;
    static OpenAiSimulator upstream;
    static RunningGateway gateway;
    static HttpServer allowedPages;
    static HttpServer otherPages;
    static ChromeDriverService driverService;
    static WebDriver browser;
    static String key;

    @BeforeAll
    static void start() {
        allowedPages = pageServer();
        otherPages = pageServer();
        upstream = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir, c -> c.withListener(c.listener().withEdge(
                c.listener().edge().withCorsOrigins(List.of(origin(allowedPages))))));
        ObjectNode channel = JSON.createObjectNode().put("name", "cors-sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        gateway.admin("POST", "/channels", channel);
        key = gateway.userWithKey("browser");
        gateway.admin("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"browser\",\"rpm\":50}");
        driverService = new ChromeDriverService.Builder().usingDriverExecutable(new File(executable("chromedriver")))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(executable("chromium")).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        browser = new ChromeDriver(driverService, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        allowedPages.stop(0);
        otherPages.stop(0);
    }

    /** fetch as chat apps call it: the key in Authorization and an SDK header, so the browser sends a preflight. */
    private static final String CALL = """
            const [api, key, stream, done] = arguments;
            fetch(api + '/v1/chat/completions', {method: 'POST', headers: {'Authorization': 'Bearer ' + key,
                'Content-Type': 'application/json', 'x-stainless-lang': 'js'},
                body: JSON.stringify({model: 'gpt-4o', stream: stream,
                    messages: [{role: 'user', content: 'hello from a page'}]})})
              .then(async res => {
                let text = '';
                if (stream) {
                  const reader = res.body.getReader();
                  const decoder = new TextDecoder();
                  for (let r = await reader.read(); !r.done; r = await reader.read()) {
                    text += decoder.decode(r.value, {stream: true});
                  }
                } else {
                  text = await res.text();
                }
                done({status: res.status, body: text,
                      remaining: res.headers.get('x-ratelimit-remaining-requests'),
                      requestId: res.headers.get('x-request-id')});
              })
              .catch(e => done({error: String(e)}));
            """;

    @Test
    void aPageOfTheAllowedOriginCallsChatCompletionsAndReadsTheRateLimitHeaders() throws IOException {
        browser.get(origin(allowedPages) + "/");
        JsonNode plain = call(false);
        assertEquals(200, plain.get("status").asInt(), plain.toString());
        assertEquals("echo: hello from a page",
                JSON.readTree(plain.get("body").asText()).at("/choices/0/message/content").asText());
        assertTrue(Integer.parseInt(plain.get("remaining").asText()) < 50,
                "the page reads x-ratelimit-remaining-requests: " + plain);
        assertTrue(plain.get("requestId").asText().startsWith("req_"), plain.toString());

        JsonNode streamed = call(true);
        assertEquals(200, streamed.get("status").asInt(), streamed.toString());
        String sse = streamed.get("body").asText();
        assertTrue(sse.contains("chat.completion.chunk") && sse.strip().endsWith("data: [DONE]"), sse);
        assertTrue(Integer.parseInt(streamed.get("remaining").asText()) < 50, streamed.toString());
    }

    @Test
    void aPageOfAnotherOriginCannotReadTheApi() {
        browser.get(origin(otherPages) + "/");
        JsonNode refused = call(false);
        assertTrue(refused.has("error"), "the browser blocks the answer: " + refused);
    }

    private static JsonNode call(boolean stream) {
        Object result = ((JavascriptExecutor) browser).executeAsyncScript(CALL, gateway.api().toString(), key, stream);
        return JSON.valueToTree(result);
    }

    /** Serves an empty HTML page at / on an ephemeral port of 127.0.0.1: an origin of its own. */
    private static HttpServer pageServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] page = "<!doctype html><title>chat app</title><p>chat app".getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                exchange.getResponseBody().write(page);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String origin(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
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
