package io.modelbridge.gateway.upstream;

import static io.modelbridge.gateway.upstream.ScriptedUpstream.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Answers that break HTTP/1.1 framing or the client's bounds: each is a classified UNAVAILABLE failure, from send or
 * from reading the body, in well under the 10 s read timeout (no hang), and the connection is never reused.
 */
@Timeout(20)
class HostileAnswersTest {

    static Stream<Arguments> hostile() {
        String ok = "HTTP/1.1 200 OK\r\n";
        String chunked = ok + "Transfer-Encoding: chunked\r\n\r\n";
        return Stream.of(
                open("a status line over 1 KiB", "HTTP/1.1 200 " + "x".repeat(2_000) + "\r\n\r\n"),
                open("a header block over 16 KiB", ok + ("X-Pad: " + "p".repeat(1_000) + "\r\n").repeat(17) + "\r\n"),
                open("a header line that never ends", ok + "X-Pad: " + "p".repeat(20_000)),
                open("101 headers", ok + "X-H: v\r\n".repeat(101) + "Content-Length: 0\r\n\r\n"),
                open("not HTTP", "SSH-2.0-OpenSSH_9.6\r\n\r\n"),
                open("a status that is not a number", "HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n"),
                open("a status out of range", "HTTP/1.1 999 OK\r\nContent-Length: 0\r\n\r\n"),
                open("HTTP/2 on an HTTP/1.1 connection", "HTTP/2 200\r\n\r\n"),
                open("lines ending in a bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok"),
                open("a header ending in a bare LF", ok + "Content-Length: 2\n\r\nok"),
                open("a folded header", ok + "X-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n"),
                open("a space before the colon", ok + "Content-Length : 2\r\n\r\nok"),
                open("a control character in a value", ok + "X-A: a\u0000b\r\nContent-Length: 0\r\n\r\n"),
                open("a bare CR in a value", ok + "X-A: a\rb\r\nContent-Length: 0\r\n\r\n"),
                open("a negative Content-Length", ok + "Content-Length: -1\r\n\r\nok"),
                open("a signed Content-Length", ok + "Content-Length: +2\r\n\r\nok"),
                open("a hex Content-Length", ok + "Content-Length: 0x2\r\n\r\nok"),
                open("a Content-Length over 18 digits", ok + "Content-Length: 9999999999999999999\r\n\r\nok"),
                open("two conflicting Content-Lengths", ok + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nok"),
                open("a conflicting Content-Length list", ok + "Content-Length: 2, 3\r\n\r\nok"),
                closing("a body shorter than its Content-Length", ok + "Content-Length: 10\r\n\r\nshort"),
                open("a Transfer-Encoding other than chunked", ok + "Transfer-Encoding: gzip, chunked\r\n\r\n"),
                open("a chunk size that is not hex", chunked + "zz\r\nab\r\n0\r\n\r\n"),
                open("an empty chunk size", chunked + "\r\nab\r\n0\r\n\r\n"),
                open("a negative chunk size", chunked + "-2\r\nab\r\n0\r\n\r\n"),
                open("a chunk size of 16 hex digits", chunked + "ffffffffffffffff\r\nab\r\n0\r\n\r\n"),
                open("a chunk-size line over 1 KiB", chunked + "2;" + "e".repeat(2_000) + "\r\nab\r\n0\r\n\r\n"),
                open("a chunk without its CR LF", chunked + "2\r\nabXX0\r\n\r\n"),
                open("a chunk size line ending in a bare LF", chunked + "2\nab\r\n0\r\n\r\n"),
                closing("a connection closed inside a chunk", chunked + "10\r\nab"),
                closing("a connection closed before the last chunk", chunked + "2\r\nab\r\n"),
                open("trailers over 16 KiB", chunked + "2\r\nab\r\n0\r\n" + ("T: " + "t".repeat(1_000) + "\r\n").repeat(17) + "\r\n"),
                open("101 switching protocols unasked", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"),
                open("endless interim answers", "HTTP/1.1 100 Continue\r\n\r\n".repeat(12)));
    }

    /** The upstream keeps the connection open after the answer: a missing check hangs to the read timeout. */
    private static Arguments open(String what, String answer) {
        return Arguments.of(what, answer, true);
    }

    /** The upstream closes the connection after the answer. */
    private static Arguments closing(String what, String answer) {
        return Arguments.of(what, answer, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void isAClassifiedUnavailableFailure(String what, String answer, boolean keepOpen) throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream();
             UpstreamClients clients = new UpstreamClients(SSLContext.getDefault(), new ConnectionPool())) {
            upstream.then(raw(answer, keepOpen));
            Transport transport = clients.transportFor(UpstreamHttpTest.settings(Duration.ofSeconds(10)));
            long start = System.nanoTime();
            ProviderException e = assertThrows(ProviderException.class, () -> {
                try (HttpReply reply = transport.send(HttpCall.postJson(upstream.uri("/v1"), Map.of(), "{}"))) {
                    reply.bodyText();
                }
            }, what);
            assertEquals(Kind.UNAVAILABLE, e.failure().kind(), e.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), what + " took too long");
        }
    }

    @Test
    void repeatedEqualContentLengthsAndInterimAnswersAreAccepted() throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream();
             UpstreamClients clients = new UpstreamClients(SSLContext.getDefault(), new ConnectionPool())) {
            upstream.then(raw("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n"
                    + "Content-Length: 2\r\nX-Obs: caf\u00e9\r\n\r\nok", true));
            Transport transport = clients.transportFor(UpstreamHttpTest.settings(Duration.ofSeconds(10)));
            try (HttpReply reply = transport.send(HttpCall.postJson(upstream.uri("/v1"), Map.of(), "{}"))) {
                assertEquals(200, reply.status());
                assertEquals("ok", reply.bodyText());
                assertEquals("caf\u00e9", reply.header("x-obs").orElseThrow());
            }
        }
    }
}
