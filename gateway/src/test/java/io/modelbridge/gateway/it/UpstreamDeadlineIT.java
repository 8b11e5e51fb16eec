package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.OpenAiApiIT.assertError;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.spark.SparkSimulator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MB_REQUEST_TIMEOUT_SECONDS bounds each upstream call as a whole, however lively the upstream looks: headers
 * dripped a byte every 0.3 s and streams that never end (HTTP or Spark's WebSocket) never trip the 5 s read
 * timeout, yet the client has its answer at the 2 s deadline: a 504 before the first byte, an error event after it.
 */
@Timeout(120)
@Tag("alone")
class UpstreamDeadlineIT {
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final long SLACK_MILLIS = 1_500;
    @TempDir
    static Path dataDir;
    static HostileUpstream hostile;
    static SparkSimulator spark;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        hostile = HostileUpstream.start();
        spark = SparkSimulator.start();
        gateway = RunningGateway.start(dataDir, c -> c.withRequestTimeout(DEADLINE));
        api = new ApiCalls(gateway.api());
        channel("hostile", "openai", "sk-hostile", hostile.baseUri(), "gpt-4o");
        channel("spark", "spark", spark.credential(), spark.baseUri(), "spark-max");
        key = gateway.userWithKey("deadline");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        hostile.close();
        spark.close();
    }

    @AfterEach
    void reset() {
        spark.reset();
    }

    @Test
    void headersDrippedAByteEveryThreeTenthsOfASecondAre504AtTheDeadline() {
        hostile.answer(HostileUpstream.dripHeaders(Duration.ofMillis(300)));
        for (boolean stream : new boolean[] {false, true}) {
            long start = System.nanoTime();
            HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("hostile", "hi", stream));
            long millis = millisSince(start);
            JsonNode error = assertError(res, 504, "upstream_timeout");
            assertTrue(error.get("message").asText().contains("request timeout"), error.toString());
            assertAtTheDeadline(millis);
        }
    }

    @Test
    void theAdminChannelTestEndsAtTheDeadlineToo() {
        hostile.answer(HostileUpstream.dripHeaders(Duration.ofMillis(300)));
        long start = System.nanoTime();
        JsonNode probe = gateway.admin("POST", "/channels/hostile/test", "{\"model\":\"gpt-4o\"}");
        assertAtTheDeadline(millisSince(start));
        assertFalse(probe.get("ok").asBoolean(), probe.toString());
        assertEquals("upstream_timeout", probe.at("/error/code").asText(), probe.toString());
    }

    @Test
    void anHttpStreamThatNeverEndsIsCutAtTheDeadlineWithAnErrorEvent() {
        hostile.answer(HostileUpstream.endlessStream(Duration.ofMillis(100)));
        String requestId = "endless-" + UUID.randomUUID();
        cutAtTheDeadline("hostile", requestId, "tick");
        JsonNode row = UsageRows.find(gateway, requestId);
        assertEquals(504, row.get("status").asInt(), row.toString());
        assertEquals("upstream_timeout", row.get("error_code").asText(), row.toString());
    }

    @Test
    void aSparkWebSocketThatTricklesFramesIsCutAtTheDeadline() {
        spark.replyWith("word ".repeat(100).strip());
        spark.wordsPerFrame(1);
        spark.frameDelay(Duration.ofMillis(300));
        cutAtTheDeadline("spark", "spark-" + UUID.randomUUID(), "word");

        long start = System.nanoTime();
        assertError(api.post("/v1/chat/completions", key, chat("spark", "hi", false)), 504, "upstream_timeout");
        assertAtTheDeadline(millisSince(start));
    }

    /** A streamed call whose upstream keeps sending: text arrives, then one error event at the deadline, no [DONE]. */
    private static void cutAtTheDeadline(String model, String requestId, String expectedText) {
        long start = System.nanoTime();
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key, chat(model, "go", true),
                "x-request-id", requestId);
        assertEquals(200, res.statusCode());
        List<String> data = dataLines(res.body().iterator());
        assertAtTheDeadline(millisSince(start));
        assertFalse(data.contains("[DONE]"), "no [DONE] after a cut: " + data);
        JsonNode last = json(data.getLast()).get("error");
        assertTrue(last != null && last.isObject(), "the last event is an error: " + data.getLast());
        assertEquals("upstream_timeout", last.get("code").asText(), data.getLast());
        for (String field : List.of("message", "type", "param", "code")) {
            assertTrue(last.has(field), "OpenAI's error shape: " + last);
        }
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(ApiCalls::json).toList();
        assertTrue(ApiCalls.text(chunks).contains(expectedText), "text was relayed before the cut: " + data);
    }

    private static void assertAtTheDeadline(long millis) {
        assertTrue(millis >= DEADLINE.toMillis() - 100 && millis < DEADLINE.toMillis() + SLACK_MILLIS,
                "answered at the " + DEADLINE.toMillis() + " ms deadline (+ " + SLACK_MILLIS + " ms), took " + millis + " ms");
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The data lines of an SSE body until it ends; a stream still open after 15 s fails the test. */
    private static List<String> dataLines(Iterator<String> lines) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                List<String> data = new ArrayList<>();
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("data:")) {
                        data.add(line.substring(5).strip());
                    }
                }
                return data;
            }).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stream did not end within 15 s", e);
        }
    }

    /** A channel with 5 s connect and read timeouts, far above the 2 s deadline, and an alias of its name. */
    private static void channel(String name, String provider, String credential, URI baseUrl, String model) {
        ObjectNode channel = JSON.createObjectNode().put("name", name).put("provider", provider)
                .put("credential", credential).put("base_url", baseUrl.toString())
                .put("connect_timeout_ms", 5000).put("read_timeout_ms", 5000);
        channel.putArray("models").add(model);
        gateway.admin("POST", "/channels", channel);
        ObjectNode alias = JSON.createObjectNode();
        alias.putArray("targets").addObject().put("channel", name).put("model", model);
        gateway.admin("PUT", "/aliases/" + name, alias);
    }
}
