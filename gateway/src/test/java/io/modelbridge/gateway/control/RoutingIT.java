package io.modelbridge.gateway.control;

import static io.modelbridge.gateway.control.Setup.alias;
import static io.modelbridge.gateway.control.Setup.channel;
import static io.modelbridge.gateway.control.Setup.channelView;
import static io.modelbridge.gateway.control.Setup.header;
import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

/**
 * Aliases, weighted spread, failover and the circuit breaker, through the real gateway and the openai plugin jar
 * against two simulators: {@code primary} (where faults are injected) and {@code backup}.
 */
@Tag("it")
@Timeout(120) // every test and set-up, so a hang fails instead of stalling the build
class RoutingIT {
    private static final Duration BREAKER_OPEN = SharedGateway.BREAKER_OPEN;
    static OpenAiSimulator primary;
    static OpenAiSimulator backup;
    static RunningGateway gw;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        primary = OpenAiSimulator.start();
        backup = OpenAiSimulator.start();
        gw = SharedGateway.get();
        api = new ApiCalls(gw.api());
        key = gw.userWithKey("router");
    }

    @AfterAll
    static void stop() {
        primary.close();
        backup.close();
        gw.adminCall("DELETE", "/users/router", null); // so that surefire's rerun of a failed case can add it again
    }

    @AfterEach
    void heal() {
        primary.reset();
        backup.reset();
    }

    @Test
    void weightsSpreadThousandRequestsWithinTenPercent() throws Exception {
        channel(gw, "heavy", primary, 10_000);
        channel(gw, "light", backup, 10_000);
        alias(gw, "spread", "heavy", 0, 3, "light", 0, 1);
        List<Callable<String>> calls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            calls.add(() -> {
                HttpResponse<String> res = api.chatOk(key, chat("spread", "hi", false));
                return header(res, "x-modelbridge-channel");
            });
        }
        Map<String, Integer> counts = new HashMap<>();
        Setup.concurrently(calls, 16).forEach(channel -> counts.merge(channel, 1, Integer::sum));
        assertEquals(1000, counts.get("heavy") + counts.get("light"), counts.toString());
        // weight 3 of 4: 750 expected; 10 % of that either way (the spread is random: 75 is 5.5 standard deviations)
        assertTrue(Math.abs(counts.get("heavy") - 750) <= 75, counts.toString());

        JsonNode usage = null; // the usage rows tell the same story, grouped by channel
        for (int i = 0; i < 100 && (usage == null || usage.at("/totals/requests").asInt() < 1000); i++) {
            Setup.sleep(100);
            usage = gw.admin("GET", "/usage?model=spread&by=channel&since=1h", null);
        }
        Map<String, Integer> grouped = new HashMap<>();
        usage.get("groups").forEach(g -> grouped.put(g.get("group").asText(), g.get("requests").asInt()));
        assertEquals(counts, grouped, usage.toString());
    }

    @Test
    void aServerErrorMovesTheRequestToTheNextPriority() {
        failoverCase("fo-500", () -> primary.failNextServerError(1));
    }

    @Test
    void anUpstreamRateLimitMovesTheRequestToTheNextPriority() {
        failoverCase("fo-429", () -> primary.failNextRateLimited(1, Duration.ofSeconds(30)));
    }

    @Test
    void aTimeoutBeforeTheFirstByteMovesTheRequestToTheNextPriority() {
        failoverCase("fo-timeout", () -> primary.hangBeforeHeaders(Duration.ofSeconds(10)));
    }

    private void failoverCase(String name, Runnable fault) {
        channel(gw, name + "-a", primary, 600);
        channel(gw, name + "-b", backup, 10_000);
        alias(gw, name, name + "-a", 0, 1, name + "-b", 1, 1);
        int primaryBefore = primary.requests().size();
        int backupBefore = backup.requests().size();
        fault.run();
        HttpResponse<String> res = api.chatOk(key, chat(name, "fail over", false));
        assertEquals(name + "-b", header(res, "x-modelbridge-channel"));
        assertEquals("gpt-4o", header(res, "x-modelbridge-upstream-model"));
        assertEquals("echo: fail over", json(res.body()).at("/choices/0/message/content").asText());
        assertEquals(primaryBefore + 1, primary.requests().size(), "the first priority was tried");
        assertEquals(backupBefore + 1, backup.requests().size());
    }

    @Test
    void noFailoverOnceTheFirstStreamedByteReachedTheClient() throws Exception {
        channel(gw, "mid-a", primary, 10_000);
        channel(gw, "mid-b", backup, 10_000);
        alias(gw, "mid", "mid-a", 0, 1, "mid-b", 1, 1);
        primary.replyWith("one two three four five six");
        primary.errorEventAfter(3);
        int backupBefore = backup.requests().size();
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key, chat("mid", "x", true));
        assertEquals(200, res.statusCode());
        assertEquals("mid-a", header(res, "x-modelbridge-channel"));
        List<String> lines = res.body().toList();
        String text = ApiCalls.text(lines.stream().filter(l -> l.startsWith("data: {\"id\""))
                .map(l -> json(l.substring(6))).toList());
        assertTrue("one two three four five six".startsWith(text.strip()) && !text.isBlank(), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("data: {\"error\"")), "the stream ends with an error event");
        assertFalse(lines.contains("data: [DONE]"));
        assertEquals(backupBefore, backup.requests().size(), "the backup never saw the request");

        primary.reset();
        primary.dropStreamAfter(3);
        res = api.postStreaming("/v1/chat/completions", key, chat("mid", "x", true));
        assertEquals(200, res.statusCode());
        lines = res.body().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("data: {\"error\"")), lines.toString());
        assertEquals(backupBefore, backup.requests().size(), "a dropped stream does not fail over either");
    }

    @Test
    void theBreakerOpensAfterConsecutiveFailuresAndATrialClosesItAgain() {
        channel(gw, "cb-a", primary, 10_000);
        channel(gw, "cb-b", backup, 10_000);
        alias(gw, "cb", "cb-a", 0, 1, "cb-b", 1, 1);
        primary.failNextServerError(3);
        for (int i = 0; i < 3; i++) {
            assertEquals("cb-b", header(api.post("/v1/chat/completions", key, chat("cb", "hi", false)),
                    "x-modelbridge-channel"));
        }
        JsonNode open = channelView(gw, "cb-a").get("breaker");
        assertEquals("open", open.get("state").asText(), open.toString());
        assertEquals(3, open.get("consecutive_failures").asInt());
        assertNotNull(open.get("retry_at").textValue());
        assertEquals("closed", channelView(gw, "cb-b").at("/breaker/state").asText());

        int primaryBefore = primary.requests().size();
        HttpResponse<String> cooled = api.post("/v1/chat/completions", key, chat("cb", "hi", false));
        assertEquals("cb-b", header(cooled, "x-modelbridge-channel"));
        assertEquals(primaryBefore, primary.requests().size(), "an open channel gets no request at all");

        Setup.sleep(BREAKER_OPEN.toMillis() + 200);
        primary.failNextServerError(1);
        assertEquals("cb-b", header(api.post("/v1/chat/completions", key, chat("cb", "hi", false)),
                "x-modelbridge-channel"));
        assertEquals(primaryBefore + 1, primary.requests().size(), "one trial request went to the primary");
        assertEquals("open", channelView(gw, "cb-a").at("/breaker/state").asText(), "a failed trial opens it again");

        Setup.sleep(BREAKER_OPEN.toMillis() + 200);
        assertEquals("cb-a", header(api.post("/v1/chat/completions", key, chat("cb", "hi", false)),
                "x-modelbridge-channel"), "the trial succeeds");
        assertEquals("closed", channelView(gw, "cb-a").at("/breaker/state").asText());
        assertEquals("cb-a", header(api.post("/v1/chat/completions", key, chat("cb", "hi", false)),
                "x-modelbridge-channel"));
    }

    @Test
    void whenEveryChannelIsCoolingDownTheAnswerIs503WithRetryAfter() {
        channel(gw, "lonely", primary, 10_000);
        alias(gw, "alone", "lonely", 0, 1);
        primary.failNextServerError(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(502, api.post("/v1/chat/completions", key, chat("alone", "hi", false)).statusCode());
        }
        HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("alone", "hi", false));
        assertEquals(503, res.statusCode(), res.body());
        assertEquals("no_available_channel", json(res.body()).at("/error/code").asText());
        long retryAfter = Long.parseLong(header(res, "retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= BREAKER_OPEN.toSeconds(), "retry-after " + retryAfter);
    }

    @Test
    void channelTestSendsARealRequestAndReportsLatencyOrTheMappedError() {
        channel(gw, "probe-ok", primary, 10_000);
        Setup.channel(gw, "probe-bad", RunningGateway.JSON.createObjectNode()
                .put("credential", "sk-wrong-key-0000000000").put("enabled", false)
                .put("base_url", primary.baseUri().toString()));
        int before = primary.requests().size();
        JsonNode ok = gw.admin("POST", "/channels/probe-ok/test", "{\"model\":\"gpt-4o-mini\"}");
        assertTrue(ok.get("ok").asBoolean(), ok.toString());
        assertTrue(ok.get("latency_ms").asLong() >= 0);
        assertEquals("gpt-4o-mini", ok.get("model").asText());
        assertTrue(ok.get("error").isNull());
        assertEquals(before + 1, primary.requests().size(), "a real request reached the upstream");
        assertEquals("gpt-4o-mini", json(primary.lastRequest().body()).get("model").asText());

        JsonNode bad = gw.admin("POST", "/channels/probe-bad/test", "{\"model\":\"gpt-4o\"}");
        assertFalse(bad.get("ok").asBoolean(), "a disabled channel can be tested too");
        assertEquals("upstream_auth_failed", bad.at("/error/code").asText(), bad.toString());
        assertEquals("AUTH", bad.at("/error/kind").asText());
        assertEquals(401, bad.at("/error/upstream_status").asInt());

        HttpResponse<String> noModel = gw.adminCall("POST", "/channels/probe-ok/test", null);
        assertEquals(400, noModel.statusCode(), "the channel lists no models and none was given");
        assertEquals(404, gw.adminCall("POST", "/channels/nope/test", null).statusCode());
    }
}
