package io.modelbridge.gateway.upstream;

import static io.modelbridge.gateway.upstream.UpstreamHttpTest.settings;
import static io.modelbridge.gateway.upstream.UpstreamHttpTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.SseEvent;
import io.modelbridge.spi.SseReader;
import io.modelbridge.spi.Transport;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streamed answers as OpenAI sends them (SSE, chunked, keep-alive): the reader stops at {@code data: [DONE]} and
 * closes the reply before the chunked terminator {@code 0 CR LF CR LF} was read. Before the drain on close, each
 * such stream closed its connection: 10 streams, 10 upstream connections (and on a real vendor 10 TLS handshakes).
 */
@Timeout(30)
class StreamKeepAliveTest {
    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";
    private static final String EVENTS = chunk("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n")
            + chunk("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    private static final String DONE = chunk("data: [DONE]\n\n");
    private static final String TERMINATOR = "0\r\n\r\n";
    private final ScriptedUpstream upstream;
    private final UpstreamClients clients;
    private final Transport transport;

    StreamKeepAliveTest() throws Exception {
        upstream = new ScriptedUpstream();
        clients = new UpstreamClients(SSLContext.getDefault(), new ConnectionPool());
        transport = clients.transportFor(settings(Duration.ofSeconds(5)));
    }

    @AfterEach
    void close() throws Exception {
        clients.close();
        upstream.close();
    }

    private static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    /** Writes {@code first}, waits {@code pause}, writes {@code then}; the connection stays open. */
    private static ScriptedUpstream.Script inTwoWrites(String first, Duration pause, String then) {
        return out -> {
            write(out, first);
            Thread.sleep(pause);
            write(out, then);
            return true;
        };
    }

    private static void write(OutputStream out, String text) throws java.io.IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads events up to [DONE] as the stream parsers do, then closes the reply; the events' data. */
    private List<String> stream() {
        List<String> data = new ArrayList<>();
        try (HttpReply reply = transport.send(HttpCall.postJson(upstream.uri("/v1/chat/completions"), Map.of(),
                "{\"stream\":true}"))) {
            SseReader reader = new SseReader(reply.body());
            for (Optional<SseEvent> event = reader.next(); event.isPresent(); event = reader.next()) {
                data.add(event.get().data());
                if (event.get().data().equals("[DONE]")) {
                    break;
                }
            }
        }
        return data;
    }

    private static void assertWholeStream(List<String> data) {
        assertEquals(3, data.size(), data.toString());
        assertEquals("[DONE]", data.get(2));
    }

    @Test
    void tenStreamsEndingInOneWriteShareOneConnection() {
        for (int i = 0; i < 10; i++) {
            upstream.then(ScriptedUpstream.raw(HEAD + EVENTS + DONE + TERMINATOR, true));
        }
        for (int i = 0; i < 10; i++) {
            assertWholeStream(stream());
        }
        assertEquals(1, upstream.connections(), "upstream connections for 10 sequential streams");
        assertEquals(0, upstream.closedByClient());
    }

    /** The terminator in its own write after [DONE], as a vendor's server flushes it: the drain waits for it. */
    @Test
    void tenStreamsWhoseTerminatorComesLaterShareOneConnection() throws Exception {
        for (int i = 0; i < 10; i++) {
            upstream.then(inTwoWrites(HEAD + EVENTS + DONE, Duration.ofMillis(20), TERMINATOR));
        }
        for (int i = 0; i < 10; i++) {
            assertWholeStream(stream());
            Thread.sleep(200); // the drain reads the terminator on its own thread
        }
        // 10 without the drain; one more allowed for a drain a busy machine did not schedule in time
        assertTrue(upstream.connections() <= 2, "upstream connections for 10 sequential streams: "
                + upstream.connections());
        assertEquals(0, upstream.closedByClient());
    }

    @Test
    void aTerminatorThatNeverComesDelaysNeitherTheReaderNorTheConnectionsClose() throws Exception {
        upstream.then(ScriptedUpstream.raw(HEAD + EVENTS + DONE, true))
                .then(ScriptedUpstream.raw(HEAD + EVENTS + DONE + TERMINATOR, true));
        long start = System.nanoTime();
        assertWholeStream(stream());
        long streamed = System.nanoTime();
        waitFor(() -> upstream.closedByClient() == 1);
        long closed = System.nanoTime();
        System.out.printf("stream read and closed in %.1f ms; the connection closed %.1f ms later%n",
                (streamed - start) / 1e6, (closed - streamed) / 1e6);
        assertTrue(streamed - start < Duration.ofMillis(80).toNanos(),
                "the stream took " + (streamed - start) / 1_000_000 + " ms: its reader waited for the terminator");
        assertTrue(closed - streamed < Duration.ofSeconds(1).toNanos(), "the drain's wait is bounded");
        assertWholeStream(stream());
        assertEquals(2, upstream.connections(), "the connection without a terminator was not reused");
    }

    @Test
    void moreDataAfterDoneThanTheBoundClosesTheConnection() throws Exception {
        String more = chunk("data: " + "x".repeat(UpstreamBody.MAX_DRAIN_BYTES * 4) + "\n\n");
        upstream.then(ScriptedUpstream.raw(HEAD + EVENTS + DONE + more + TERMINATOR, true))
                .then(ScriptedUpstream.raw(HEAD + EVENTS + DONE + TERMINATOR, true));
        assertWholeStream(stream());
        waitFor(() -> upstream.closedByClient() == 1);
        assertWholeStream(stream());
        assertEquals(2, upstream.connections());
    }

    /** A stream closed while the upstream still produces (a client gone): closed at its next byte, which cancels it. */
    @Test
    void dataArrivingDuringTheDrainsWaitClosesTheConnection() throws Exception {
        String late = chunk("data: {\"choices\":[{\"delta\":{\"content\":\"more\"}}]}\n\n");
        upstream.then(inTwoWrites(HEAD + EVENTS + DONE, Duration.ofMillis(20), late + TERMINATOR))
                .then(ScriptedUpstream.raw(HEAD + EVENTS + DONE + TERMINATOR, true));
        assertWholeStream(stream());
        waitFor(() -> upstream.closedByClient() == 1);
        assertWholeStream(stream());
        assertEquals(2, upstream.connections());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "0\r\n\r\n",             // the last data chunk not followed by CR LF
            "\r\n0\n\n",             // bare LF
            "\r\nzz\r\n\r\n",        // not a chunk size
            "\r\n0\r\n\r\nHTTP/1.1", // bytes after the body's end
    })
    void aMalformedTerminatorClosesTheConnection(String ending) throws Exception {
        String done = "e\r\ndata: [DONE]\n\n"; // the [DONE] chunk without its CR LF: each ending supplies it or not
        upstream.then(ScriptedUpstream.raw(HEAD + EVENTS + done + ending, true))
                .then(ScriptedUpstream.raw(HEAD + EVENTS + DONE + TERMINATOR, true));
        assertWholeStream(stream());
        waitFor(() -> upstream.closedByClient() == 1);
        assertWholeStream(stream());
        assertEquals(2, upstream.connections(), "the connection with a malformed ending was not reused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0\r\n\r\n", "\r\n0\n\n"})
    void aMalformedTerminatorArrivingLaterClosesTheConnection(String ending) throws Exception {
        upstream.then(inTwoWrites(HEAD + EVENTS + "e\r\ndata: [DONE]\n\n", Duration.ofMillis(20), ending))
                .then(ScriptedUpstream.raw(HEAD + EVENTS + DONE + TERMINATOR, true));
        assertWholeStream(stream());
        waitFor(() -> upstream.closedByClient() == 1);
        assertWholeStream(stream());
        assertEquals(2, upstream.connections());
    }
}
