package io.modelbridge.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 * The benchmark's own tools over real sockets: the fake upstream speaks OpenAI's shapes, the generator's own client
 * (keep-alive, chunked bodies, events handed over as they arrive), its JDK client of the slow streams and its SSE
 * scanner read them, and the load phases count what they should. Small and bounded; the benchmark
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
        long acceptedBefore = upstream.connectionsAccepted();
        try (ClientConnection connection = new ClientConnection(target.address())) {
            for (int i = 0; i < 3; i++) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                assertEquals(200, connection.exchange(target.chat(), (b, off, len, nanos) -> body.write(b, off, len)));
                String text = body.toString(StandardCharsets.UTF_8);
                assertTrue(text.contains("\"object\":\"chat.completion\""), text);
                assertTrue(text.contains("\"model\":\"bench\""), text);
            }
        }
        assertEquals(1, upstream.connectionsAccepted() - acceptedBefore, "one connection, kept alive");
    }

    @Test
    void refusesAWrongKeyAsOpenAiDoes() throws IOException {
        Target wrong = new Target("floor", target.address(), "sk-wrong");
        BodyCapture body = new BodyCapture();
        try (ClientConnection connection = new ClientConnection(wrong.address())) {
            assertEquals(401, connection.exchange(wrong.chat(), body));
        }
        assertTrue(body.text().contains("\"code\":\"invalid_api_key\""), body.text());
    }

    @Test
    void readsChunkedAndSizedBodiesOneAfterTheOtherOnOneConnection() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nHello\r\n1\r\n,\r\n7\r\n world!\r\n0\r\nX-Trailer: t\r\n\r\n";
        String sized = "HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\nnext";
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> answerInPieces(server, chunked, sized));
            try (ClientConnection connection = new ClientConnection(
                    new InetSocketAddress("127.0.0.1", server.getLocalPort()))) {
                ByteArrayOutputStream first = new ByteArrayOutputStream();
                assertEquals(200, connection.exchange(target.chat(), (b, off, len, nanos) -> first.write(b, off, len)));
                assertEquals("Hello, world!", first.toString(StandardCharsets.US_ASCII));
                ByteArrayOutputStream second = new ByteArrayOutputStream();
                assertEquals(201, connection.exchange(target.chat(), (b, off, len, nanos) -> second.write(b, off, len)));
                assertEquals("next", second.toString(StandardCharsets.US_ASCII), "the chunked body was read exactly");
            }
        }
    }

    /** Accepts one connection and answers its requests in turn, each answer written a few bytes at a time. */
    private static void answerInPieces(ServerSocket server, String... answers) {
        try (Socket socket = server.accept()) {
            HttpInput in = new HttpInput(socket.getInputStream(), 4096);
            OutputStream out = socket.getOutputStream();
            for (String answer : answers) {
                HttpHead head = HttpHead.read(in);
                HttpBody.read(in, head, (b, off, len, nanos) -> { }, false);
                byte[] bytes = answer.getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < bytes.length; i += 7) {
                    out.write(bytes, i, Math.min(7, bytes.length - i));
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the test's assertions report what the client missed
        }
    }

    @Test
    void handsOverEachEventAsItArrives() throws IOException {
        List<Long> content = new ArrayList<>();
        boolean[] done = new boolean[1];
        SseScanner scanner = new SseScanner((nanos, isContent, isDone) -> {
            if (isContent) {
                content.add(nanos);
            }
            done[0] |= isDone;
        });
        long ended;
        try (ClientConnection connection = new ClientConnection(target.address())) {
            assertEquals(200, connection.exchange(target.stream(), scanner));
            ended = System.nanoTime();
        }
        assertEquals(3, content.size(), "the upstream's three chunks");
        assertTrue(done[0], "[DONE]");
        // sent 20 ms apart: a client that buffered the body would stamp them all at the end, ~0 ms apart
        for (int i = 1; i < content.size(); i++) {
            long gapMillis = (content.get(i) - content.get(i - 1)) / 1_000_000;
            assertTrue(gapMillis >= 15, "chunk " + i + " came " + gapMillis + " ms after the previous one");
        }
        assertTrue(ended - content.getFirst() >= 30_000_000L, "the first chunk was handed over before the end");
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
            // sent 50 ms apart), which is one reason the measured streams use the generator's own client
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
