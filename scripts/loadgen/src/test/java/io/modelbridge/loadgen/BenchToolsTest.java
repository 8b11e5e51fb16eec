package io.modelbridge.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmark's own tools over real sockets: the fake upstream speaks OpenAI's shapes, the generator's JDK client
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
    void answersChatOnOneKeepAliveConnection() {
        long acceptedBefore = upstream.connectionsAccepted();
        Http1Client client = target.client(1);
        try {
            for (int i = 0; i < 3; i++) {
                try (HttpClientResponse reply = target.send(client, false)) {
                    String body = reply.as(String.class);
                    assertEquals(200, reply.status().code());
                    assertTrue(body.contains("\"object\":\"chat.completion\""), body);
                    assertTrue(body.contains("\"model\":\"bench\""), body);
                }
            }
        } finally {
            client.closeResource();
        }
        assertEquals(1, upstream.connectionsAccepted() - acceptedBefore, "one connection, kept alive");
    }

    @Test
    void refusesAWrongKeyAsOpenAiDoes() {
        Target wrong = new Target("floor", target.address(), "sk-wrong");
        Http1Client client = wrong.client(1);
        try (HttpClientResponse reply = wrong.send(client, false)) {
            String body = reply.as(String.class);
            assertEquals(401, reply.status().code());
            assertTrue(body.contains("\"code\":\"invalid_api_key\""), body);
        } finally {
            client.closeResource();
        }
    }

    @Test
    void slowStreamsArriveThroughTheAsynchronousClient() throws Exception {
        List<Long> content = new CopyOnWriteArrayList<>();
        SseBody body = new SseBody(new SseScanner((nanos, isContent, isDone) -> {
            if (isContent) {
                content.add(nanos);
            }
        }));
        try (HttpClient client = Target.asyncClient()) {
            CompletableFuture<HttpResponse<Void>> reply = client.sendAsync(target.slowStream(),
                    HttpResponse.BodyHandlers.fromSubscriber(body));
            assertEquals(200, reply.get(5, TimeUnit.SECONDS).statusCode());
            // only that they arrive: the JDK client handed over a chunk with the next one (6.6 ms apart for chunks
            // sent 50 ms apart), which is why the measured streams use Helidon's client
            assertEquals(2, content.size(), "the upstream's two slow chunks");
        }
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
            scanner.accept(ByteBuffer.wrap(bytes, i, 1), 0);
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
        assertEquals(r.ok() * 2, r.gapNanos().getTotalCount());
        assertEquals(r.ok(), r.ttftNanos().getTotalCount());
        assertTrue(r.gaps().p50() >= 15, "gap p50 " + r.gaps().p50());
    }

    @Test
    void latencyStatsAreMillisecondsFromNanosecondRecordings() {
        Histogram nanos = LatencyStats.histogram();
        for (int ms = 1; ms <= 100; ms++) {
            nanos.recordValue(ms * 1_000_000L);
        }
        LatencyStats s = LatencyStats.of(nanos);
        assertEquals(100, s.count());
        assertEquals(50, s.p50(), 0.1);
        assertEquals(99, s.p99(), 0.1);
        assertEquals(100, s.max(), 0.1);
        assertEquals(50.5, s.mean(), 0.1);
    }

    @Test
    void theResultFileKeepsItsNumberFormat() {
        assertEquals("""
                {
                  "ms" : 1.235,
                  "none" : null,
                  "count" : 7,
                  "list" : [ 1, 2 ]
                }
                """, Json.write(Json.obj("ms", 1.23456, "none", Double.NaN, "count", 7L, "list", List.of(1, 2))));
    }

    @Test
    void aMissingRequiredOptionSaysWhichOne() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> BenchOptions.parse(new String[] {"--floor", "127.0.0.1:1", "--quick"}, Map.of()));
        assertTrue(e.getMessage().contains("--gateway"), e.getMessage());
    }

    @Test
    void quickRunsShortenTheSlowStreamsUnlessTold() {
        String[] base = {"--floor", "127.0.0.1:1", "--nginx", "127.0.0.1:2", "--gateway", "127.0.0.1:3",
                "--admin-url", "http://127.0.0.1:4/admin/v1", "--work", "/tmp/w", "--quick"};
        BenchOptions quick = BenchOptions.parse(base, Map.of("BENCH_MB_KEY", "sk-mb"));
        assertEquals(1000, quick.load().slowStreams());
        assertEquals(Duration.ofSeconds(2), quick.load().slowInterval());
        assertEquals("sk-mb", quick.gateway().bearer());
        assertEquals(3, quick.gateway().address().getPort());
        String[] told = Arrays.copyOf(base, base.length + 2);
        told[base.length] = "--slow-streams";
        told[base.length + 1] = "7";
        assertEquals(7, BenchOptions.parse(told, Map.of()).load().slowStreams());
    }
}
