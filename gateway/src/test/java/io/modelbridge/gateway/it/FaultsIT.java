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
import io.modelbridge.gateway.usage.TokenCounter;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream and client faults end to end. Before the first byte reaches the client a failure fails over to the next
 * channel; after it, the client gets one error event and the stream ends without {@code [DONE]}, and the usage row
 * bills only what was delivered. After every case the gateway must still be ready and serving.
 */
@Tag("alone")
class FaultsIT {
    private static final String REPLY = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
    @TempDir
    static Path dataDir;
    static OpenAiSimulator first;
    static OpenAiSimulator second;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        first = OpenAiSimulator.start();
        second = OpenAiSimulator.start();
        // a breaker that never opens here: each case must see the plan as configured
        gateway = RunningGateway.start(dataDir, c -> RunningGateway.exposingRouting(
                c.withControl(c.control().withBreaker(10_000, Duration.ofSeconds(1)))));
        api = new ApiCalls(gateway.api());
        gateway.admin("POST", "/channels", channel("first", first));
        gateway.admin("POST", "/channels", channel("second", second));
        ObjectNode duo = JSON.createObjectNode();
        duo.putArray("targets").add(target("first", 0)).add(target("second", 1));
        gateway.admin("PUT", "/aliases/duo", duo);
        ObjectNode solo = JSON.createObjectNode();
        solo.putArray("targets").add(target("first", 0));
        gateway.admin("PUT", "/aliases/solo", solo);
        key = gateway.userWithKey("faulty");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        first.close();
        second.close();
    }

    @AfterEach
    void healthyAfterwards() {
        first.reset();
        second.reset();
        assertEquals(200, api.get("/readyz", null).statusCode());
        HttpResponse<String> normal = api.chatOk(key, chat("solo", "still there?", false));
        assertEquals("echo: still there?", json(normal.body()).at("/choices/0/message/content").asText());
    }

    @Test
    void aServerErrorFailsOverAndIs502WhenNoChannelIsLeft() {
        first.failNextServerError(1);
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger failoverLog = java.util.logging.Logger.getLogger("io.modelbridge.gateway.pipeline.Failover");
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        failoverLog.addHandler(capture);
        HttpResponse<String> res;
        try {
            res = api.post("/v1/chat/completions", key, chat("duo", "hi", false), "x-request-id", "failover-log-1");
        } finally {
            failoverLog.removeHandler(capture);
        }
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("second", res.headers().firstValue("x-modelbridge-channel").orElseThrow());
        assertTrue(logged.stream().anyMatch(l -> l.contains("failover-log-1") && l.contains("first")),
                "the failover log line names the request: " + logged);

        first.failNextServerError(1);
        second.failNextServerError(1);
        HttpResponse<String> failed = api.post("/v1/chat/completions", key, chat("duo", "hi", false));
        assertError(failed, 502, "upstream_unavailable");
        assertEquals("second", failed.headers().firstValue("x-modelbridge-channel").orElseThrow(),
                "names the last channel tried (MB_EXPOSE_ROUTING is on here)");
    }

    @Test
    void aRateLimitFailsOverAndIs429WithRetryAfterWhenNoChannelIsLeft() {
        first.failNextRateLimited(1, Duration.ofSeconds(7));
        HttpResponse<String> res = api.chatOk(key, chat("duo", "hi", true));
        assertEquals("second", res.headers().firstValue("x-modelbridge-channel").orElseThrow());

        first.failNextRateLimited(1, Duration.ofSeconds(7));
        second.failNextRateLimited(1, Duration.ofSeconds(9));
        HttpResponse<String> limited = api.post("/v1/chat/completions", key, chat("duo", "hi", false));
        assertError(limited, 429, "rate_limit_exceeded");
        assertEquals("9", limited.headers().firstValue("retry-after").orElseThrow(), "the last channel's wait");
    }

    @Test
    void aMalformedJsonAnswerFailsOverBeforeTheFirstByte() {
        first.failNextWithBody(1, 200, "application/json", "{\"id\":\"chatcmpl-1\",\"choices\":[{\"mess");
        HttpResponse<String> res = api.chatOk(key, chat("duo", "hi", false));
        assertEquals("second", res.headers().firstValue("x-modelbridge-channel").orElseThrow());

        first.failNextWithBody(1, 200, "application/json", "<html>not json</html>");
        assertError(api.post("/v1/chat/completions", key, chat("solo", "hi", false)), 502, "upstream_bad_response");
    }

    @Test
    void anUpstreamSilentBeforeTheFirstByteIs504AfterTheChannelReadTimeout() {
        first.hangBeforeHeaders(Duration.ofSeconds(30));
        long start = System.nanoTime();
        assertError(api.post("/v1/chat/completions", key, chat("solo", "hi", true)), 504, "upstream_timeout");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 700 && millis < 5_000, "gave up after the 800 ms read timeout, took " + millis + " ms");
    }

    @Test
    void aResetMidStreamEndsTheStreamWithAnErrorEventAndBillsWhatWasDelivered() {
        interrupted(s -> s.dropStreamAfter(3), 502, "upstream_unavailable");
    }

    @Test
    void aMalformedEventMidStreamEndsTheStreamWithAnErrorEvent() {
        interrupted(s -> s.malformedEventAfter(3), 502, "upstream_bad_response");
    }

    @Test
    void aTruncatedEventMidStreamEndsTheStreamWithAnErrorEvent() {
        interrupted(s -> s.truncateEventAfter(3), 502, "upstream_bad_response");
    }

    @Test
    void aStreamThatNeverEndsIsCutAfterTheReadTimeoutWithAnErrorEvent() {
        interrupted(s -> s.stallStreamAfter(3), 504, "upstream_timeout");
    }

    /**
     * Three upstream events go out (the role chunk, "alpha", " beta"), then the fault. The client must get exactly
     * that text, one error event last, no [DONE], and the stream must end; the second channel is never asked.
     */
    private static void interrupted(Consumer<OpenAiSimulator> fault, int status, String code) {
        first.replyWith(REPLY);
        fault.accept(first);
        int secondBefore = second.requests().size();
        String requestId = "faults-" + UUID.randomUUID();
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key, chat("duo", "go", true),
                "x-request-id", requestId);
        assertEquals(200, res.statusCode());
        assertEquals(requestId, res.headers().firstValue("x-request-id").orElseThrow());
        List<String> data = dataLines(res.body().iterator());
        assertFalse(data.contains("[DONE]"), "no [DONE] after a failure: " + data);
        JsonNode last = json(data.getLast()).get("error");
        assertTrue(last != null && last.isObject(), "the last event is an error: " + data);
        assertEquals(code, last.get("code").asText(), data.getLast());
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(ApiCalls::json).toList();
        assertTrue(chunks.stream().noneMatch(c -> c.has("error")), "exactly one error event: " + data);
        assertEquals("alpha beta", ApiCalls.text(chunks));
        assertEquals(secondBefore, second.requests().size(), "no failover once the client has bytes");

        JsonNode row = UsageRows.find(gateway, requestId);
        assertEquals(status, row.get("status").asInt(), row.toString());
        assertEquals(code, row.get("error_code").asText(), row.toString());
        assertEquals("first", row.get("channel").asText());
        assertTrue(row.get("stream").asBoolean());
        assertTrue(row.get("estimated").asBoolean(), "counted by the gateway: the upstream sent no usage");
        assertEquals(new TokenCounter().text("alpha beta"), row.get("completion_tokens").asInt(), row.toString());
        assertTrue(row.get("prompt_tokens").asInt() > 0, row.toString());
    }

    @Test
    void aClientThatHangsUpMidStreamCancelsTheUpstreamCallWithinOneSecond() throws Exception {
        first.replyWith(REPLY.repeat(20));
        first.chunkDelay(Duration.ofMillis(20));
        int cancelledBefore = first.cancelledStreams();
        String requestId = "hangup-" + UUID.randomUUID();
        try (var client = new java.net.Socket("127.0.0.1", gateway.api().getPort())) {
            byte[] body = chat("solo", "go", true).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            client.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\nx-request-id: " + requestId
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            client.getOutputStream().write(body);
            client.setSoTimeout(10_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.contains("\"content\":\"alpha\"")) {
                // read until the first content chunk has arrived
            }
            assertTrue(line != null, "the stream began");
        }
        long closed = System.nanoTime();
        assertTrue(first.awaitCancelledStreams(cancelledBefore + 1, Duration.ofSeconds(1)),
                "the upstream stream was cancelled within 1 s of the hang-up");
        assertTrue(System.nanoTime() - closed < TimeUnit.SECONDS.toNanos(1));
        JsonNode row = UsageRows.find(gateway, requestId);
        assertEquals(499, row.get("status").asInt(), row.toString());
        assertEquals("client_closed_request", row.get("error_code").asText());
        int delivered = row.get("completion_tokens").asInt();
        assertTrue(delivered > 0 && delivered < new TokenCounter().text(REPLY.repeat(20)), row.toString());
    }

    /**
     * 500 idle sockets and 500 slowloris ones (half a request line, then a byte now and then) stay open while normal
     * requests run between the trickles; each normal request must still be served promptly.
     */
    @Test
    void aThousandIdleOrSlowConnectionsDoNotDelayNormalRequests() throws Exception {
        String normal = chat("solo", "quick", false);
        api.chatOk(key, normal); // warm
        List<java.net.Socket> sockets = new ArrayList<>();
        List<Long> millis = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                java.net.Socket s = new java.net.Socket();
                s.connect(new java.net.InetSocketAddress("127.0.0.1", gateway.api().getPort()), 2000);
                if (i % 2 == 1) {
                    s.getOutputStream().write("POST /v1/chat/compl".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
                sockets.add(s);
            }
            for (int round = 0; round < 10; round++) {
                for (int i = 1; i < sockets.size(); i += 2) {
                    trickle(sockets.get(i));
                }
                long start = System.nanoTime();
                HttpResponse<String> res = api.post("/v1/chat/completions", key, normal);
                millis.add((System.nanoTime() - start) / 1_000_000);
                assertEquals(200, res.statusCode(), res.body());
            }
            long open = sockets.stream().filter(s -> !s.isClosed()).count();
            assertEquals(1000, open, "the slow sockets were still open while the normal requests ran");
        } finally {
            for (java.net.Socket s : sockets) {
                s.close();
            }
        }
        List<Long> sorted = millis.stream().sorted().toList();
        assertTrue(sorted.get(sorted.size() / 2) < 200, "median latency under 200 ms: " + millis);
        assertTrue(sorted.getLast() < 1000, "no request waited on the slow connections: " + millis);
    }

    private static void trickle(java.net.Socket s) {
        try {
            s.getOutputStream().write('l');
            s.getOutputStream().flush();
        } catch (java.io.IOException closedByServer) {
            // a server may cut a slowloris connection; that is fine too
        }
    }

    /** The data lines of an SSE body until it ends; the stream must end within 10 s. */
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
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stream did not end cleanly", e);
        }
    }

    private static ObjectNode channel(String name, OpenAiSimulator sim) {
        ObjectNode channel = JSON.createObjectNode().put("name", name).put("provider", "openai")
                .put("credential", sim.apiKey()).put("base_url", sim.baseUri().toString())
                .put("connect_timeout_ms", 1000).put("read_timeout_ms", 800);
        channel.putArray("models").add("gpt-4o");
        return channel;
    }

    private static ObjectNode target(String channel, int priority) {
        return JSON.createObjectNode().put("channel", channel).put("model", "gpt-4o").put("priority", priority);
    }
}
