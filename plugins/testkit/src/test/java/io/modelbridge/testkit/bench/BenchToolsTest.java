package io.modelbridge.testkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's own tools over real sockets: the fake upstream speaks OpenAI's shapes, the generator's client
 * and SSE scanner read them, and the load phases count what they should. Small and bounded; the benchmark
 * itself never runs in the test suite.
 */
class BenchToolsTest {
    private static final String KEY = "sk-bench-test";
    private static FakeUpstream upstream;
    private static Target target;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(0, new FakeUpstream.Settings(KEY, 3, Duration.ofMillis(20), Duration.ofMillis(50), 2));
        target = new Target("floor", new InetSocketAddress("127.0.0.1", upstream.port()), KEY);
    }

    @AfterAll
    static void stop() throws IOException {
        upstream.close();
    }

    @Test
    void answersChatOnOneKeepAliveConnection() throws IOException {
        try (ClientConnection c = new ClientConnection(target.address(), 4096, 5000)) {
            for (int i = 0; i < 3; i++) {
                BodyCapture body = new BodyCapture();
                assertEquals(200, c.exchange(target.chat(), body));
                assertTrue(body.text().contains("\"object\":\"chat.completion\""), body.text());
                assertTrue(body.text().contains("\"model\":\"bench\""), body.text());
            }
        }
    }

    @Test
    void refusesAWrongKeyAsOpenAiDoes() throws IOException {
        Target wrong = new Target("floor", target.address(), "sk-wrong");
        try (ClientConnection c = new ClientConnection(target.address(), 4096, 5000)) {
            BodyCapture body = new BodyCapture();
            assertEquals(401, c.exchange(wrong.chat(), body));
            assertTrue(body.text().contains("\"code\":\"invalid_api_key\""), body.text());
        }
    }

    @Test
    void streamsSpacedChunksThenDone() throws IOException {
        List<Long> content = new ArrayList<>();
        boolean[] done = new boolean[1];
        SseScanner scanner = new SseScanner((nanos, isContent, isDone) -> {
            if (isContent) {
                content.add(nanos);
            }
            done[0] |= isDone;
        });
        try (ClientConnection c = new ClientConnection(target.address(), 4096, 5000)) {
            assertEquals(200, c.exchange(target.stream(), scanner));
        }
        assertEquals(3, content.size());
        assertTrue(done[0]);
        assertTrue(content.get(2) - content.get(0) >= Duration.ofMillis(20).toNanos(), "chunks arrive spaced");
    }

    @Test
    void scannerFindsEventsSplitAnywhereAndSkipsRoleOnlyChunks() {
        String wire = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\r\n\r\n"
                + ": a comment\n\ndata: [DONE]\n\n";
        List<String> seen = new ArrayList<>();
        SseScanner scanner = new SseScanner((nanos, isContent, isDone) -> seen.add(isContent + "/" + isDone));
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            scanner.accept(bytes, i, 1, 0);
        }
        assertEquals(List.of("false/false", "true/false", "false/false", "false/true"), seen);
    }

    @Test
    void openLoopSendsTheScheduledRequests() throws InterruptedException {
        RequestResult r = OpenLoop.run(target, 200, 4, Duration.ofMillis(500));
        assertEquals(100, r.ok());
        assertEquals(0, r.errors());
        assertNull(r.firstError());
    }

    @Test
    void closedLoopCountsFailuresWithTheirCause() throws InterruptedException {
        RequestResult r = ClosedLoop.run(new Target("floor", target.address(), "sk-wrong"), 2, Duration.ofMillis(200));
        assertEquals(0, r.ok());
        assertTrue(r.errors() > 0);
        assertTrue(r.firstError().startsWith("HTTP 401"), r.firstError());
    }

    @Test
    void streamLoadMeasuresFirstChunkAndGaps() throws InterruptedException {
        StreamResult r = StreamLoad.run(target, 2, Duration.ofMillis(300), 3);
        assertTrue(r.ok() >= 2, "streams: " + r.ok());
        assertEquals(0, r.errors());
        assertEquals(r.ok() * 2, r.gapNanos().length);
        assertEquals(r.ok(), r.ttftNanos().length);
        assertTrue(r.gaps().p50() >= 15, "gap p50 " + r.gaps().p50());
    }

    @Test
    void quantilesUseTheNearestRank() {
        long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        assertEquals(50, Samples.quantile(sorted, 0.5));
        assertEquals(100, Samples.quantile(sorted, 0.99));
        assertEquals(10, Samples.quantile(sorted, 0.0));
        assertEquals(0, Samples.quantile(new long[0], 0.5));
    }
}
