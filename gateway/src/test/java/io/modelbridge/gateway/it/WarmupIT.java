package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.db.FreePorts;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MB_WARMUP: the jar in its own JVM warms its request path on a throwaway gateway before it listens. /readyz is
 * polled from the process start on a port the test picked: it answers only after the warm-up's length, the gateway
 * then serves its operator's channel, and nothing of the warm-up's traffic is in its usage, users or upstream.
 */
@Tag("it")
@Timeout(300)
@Tag("alone")
class WarmupIT {
    private static final int WARMUP_SECONDS = 5;
    private static final Pattern DONE = Pattern.compile("Warm-up done in (\\d+) ms: (\\d+) answers, (\\d+) failures");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void readyOnlyAfterTheWarmUpThenServesWithNoRowOrCallOfTheWarmUps() throws Exception {
        List<Path> throwawayBefore = warmupFolders();
        int port = FreePorts.belowEphemeralRange();
        try (OpenAiSimulator upstream = OpenAiSimulator.start()) {
            long started = System.nanoTime();
            try (PackagedGateway gateway = PackagedGateway.start("warmup", dir.resolve("data"),
                    Map.of("MB_WARMUP", WARMUP_SECONDS + "s", "MB_PORT", String.valueOf(port)))) {
                long readyAfterMs = firstReady(gateway, port, started);
                String log = gateway.logText();
                Matcher done = DONE.matcher(log);
                assertTrue(done.find(), log);
                assertTrue(Integer.parseInt(done.group(2)) >= 100, "warm-up answers: " + done.group(2));
                assertEquals("0", done.group(3), "warm-up failures");
                long warmupMs = Long.parseLong(done.group(1));
                assertTrue(warmupMs >= WARMUP_SECONDS * 1000L, "the warm-up took " + warmupMs + " ms");
                assertTrue(readyAfterMs >= warmupMs, "/readyz said ready " + readyAfterMs + " ms after the start,"
                        + " within the warm-up's " + warmupMs + " ms");
                assertTrue(log.indexOf("listening: OpenAI API") > done.start(), "listening before the warm-up ended");
                assertEquals(1, Pattern.compile("listening: OpenAI API").matcher(log).results().count(),
                        "the throwaway gateway announced itself as the operator's:\n" + log);

                gateway.awaitReady(PackagedGateway.START_WITHIN);
                gateway.addChannel(upstream, "gpt-4o");
                String key = gateway.admin().userWithKey("alice");
                upstream.replyWith("warm and ready");
                HttpResponse<String> answer = new ApiCalls(gateway.api()).post("/v1/chat/completions", key,
                        ApiCalls.chat("gpt-4o", "hi", false));
                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals("warm and ready", ApiCalls.json(answer.body()).at("/choices/0/message/content").asText());

                JsonNode usage = awaitUsageRows(gateway, 1);
                assertEquals("gpt-4o", usage.at("/data/0/model").asText(), usage.toString());
                JsonNode users = gateway.admin().call("GET", "/users", null);
                assertEquals(1, users.get("data").size(), users.toString());
                assertEquals(1, upstream.requests().size(), "calls that reached the operator's upstream");
            }
        }
        assertEquals(throwawayBefore, warmupFolders(), "the warm-up's data folder is left behind");
    }

    @Test
    void aWarmUpThatFailsOnlyLogsAndTheGatewayStarts() throws Exception {
        Path noPlugins = Files.createDirectories(dir.resolve("no-plugins"));
        try (PackagedGateway gateway = PackagedGateway.start("warmup-failed", dir.resolve("data"),
                Map.of("MB_WARMUP", "30s", "MB_PLUGINS_DIR", noPlugins.toString()))) {
            gateway.awaitReady(PackagedGateway.START_WITHIN);
            String log = gateway.logText();
            assertTrue(log.contains("The warm-up failed after"), log);
            assertTrue(log.contains("openai plugin"), log);
            assertEquals(401, new ApiCalls(gateway.api()).get("/v1/models", "sk-nobody").statusCode());
        }
    }

    /** Polls /readyz from the start; the milliseconds from {@code started} to its first 200. */
    private static long firstReady(PackagedGateway gateway, int port, long started) throws InterruptedException {
        URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
        long end = started + PackagedGateway.START_WITHIN.toNanos();
        while (System.nanoTime() < end) {
            assertTrue(gateway.process().isAlive(), "the gateway died; log:\n" + gateway.logText());
            try {
                int status = HTTP.send(HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return Duration.ofNanos(System.nanoTime() - started).toMillis();
                }
            } catch (IOException notListening) {
                // not yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never ready; log:\n" + gateway.logText());
    }

    private static JsonNode awaitUsageRows(PackagedGateway gateway, int rows) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode usage;
        do {
            usage = gateway.admin().call("GET", "/usage?since=1h&limit=500", null);
            if (usage.get("data").size() >= rows) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < end);
        Thread.sleep(500); // a late row of the warm-up's would come now
        usage = gateway.admin().call("GET", "/usage?since=1h&limit=500", null);
        assertEquals(rows, usage.get("data").size(), usage.toString());
        return usage;
    }

    private static List<Path> warmupFolders() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("modelbridge-warmup")).sorted().toList();
        }
    }
}
