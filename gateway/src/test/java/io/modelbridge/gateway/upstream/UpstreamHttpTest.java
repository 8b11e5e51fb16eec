package io.modelbridge.gateway.upstream;

import static io.modelbridge.gateway.upstream.ScriptedUpstream.raw;
import static io.modelbridge.gateway.upstream.ScriptedUpstream.sized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Transport;
import java.io.InputStream;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway's own HTTP/1.1 upstream client over real loopback sockets. */
@Timeout(30)
class UpstreamHttpTest {
    private final ScriptedUpstream upstream;
    private final UpstreamClients clients;
    private final Transport transport;

    UpstreamHttpTest() throws Exception {
        upstream = new ScriptedUpstream();
        clients = new UpstreamClients(SSLContext.getDefault(), new ConnectionPool());
        transport = clients.transportFor(settings(Duration.ofSeconds(5)));
    }

    static ProviderSettings settings(Duration readTimeout) {
        return new ProviderSettings("test", "", "", Duration.ofSeconds(2), readTimeout, Map.of());
    }

    @AfterEach
    void close() throws Exception {
        clients.close();
        upstream.close();
    }

    private String call(String body) {
        try (HttpReply reply = transport.send(post(body))) {
            return reply.status() + " " + reply.bodyText();
        }
    }

    private HttpCall post(String body) {
        return HttpCall.postJson(upstream.uri("/v1/chat/completions?x=1"), Map.of("Authorization", "Bearer k"), body);
    }

    @Test
    void successiveCallsShareOneKeepAliveConnection() {
        upstream.then(sized(200, "{\"a\":1}")).then(sized(200, "{\"a\":2}")).then(sized(404, "{\"e\":3}"));
        assertEquals("200 {\"a\":1}", call("{}"));
        assertEquals("200 {\"a\":2}", call("{}"));
        assertEquals("404 {\"e\":3}", call("{}"));
        assertEquals(1, upstream.connections());
    }

    @Test
    void theRequestCarriesHostLengthAndTheCallsHeaders() {
        upstream.then(sized(200, "{}"));
        call("{\"q\":\"é\"}");
        String request = upstream.requests().getFirst();
        assertTrue(request.startsWith("POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + upstream.port() + "\r\n"),
                request);
        assertTrue(request.contains("\r\nAuthorization: Bearer k\r\n"), request);
        assertTrue(request.contains("\r\nContent-Type: application/json\r\n"), request);
        assertTrue(request.contains("\r\nContent-Length: 10\r\n\r\n"), request); // é is two bytes
    }

    @Test
    void aChunkedAnswerIsReadToItsEndAndTheConnectionReused() {
        upstream.then(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;ext=1\r\nabc\r\n" + "A\r\n0123456789\r\n" + "0\r\nX-Trailer: t\r\n\r\n", true))
                .then(sized(200, "next"));
        assertEquals("200 abc0123456789", call("{}"));
        assertEquals("200 next", call("{}"));
        assertEquals(1, upstream.connections());
    }

    @Test
    void anAnswerWithoutLengthRunsToTheCloseAndItsConnectionIsNotReused() {
        upstream.then(raw("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", false))
                .then(sized(200, "next"));
        assertEquals("200 until the end", call("{}"));
        assertEquals("200 next", call("{}"));
        assertEquals(2, upstream.connections());
    }

    @Test
    void anAnswerSayingConnectionCloseIsNotReused() {
        upstream.then(raw("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", true))
                .then(sized(200, "next"));
        assertEquals("200 ok", call("{}"));
        assertEquals("200 next", call("{}"));
        assertEquals(2, upstream.connections());
    }

    @Test
    void closingARepliesBodyEarlyClosesItsConnection() throws Exception {
        String big = "x".repeat(200_000);
        upstream.then(sized(200, big)).then(sized(200, "next"));
        try (HttpReply reply = transport.send(post("{}"))) {
            InputStream body = reply.body();
            assertEquals('x', body.read());
        }
        assertEquals("200 next", call("{}"));
        assertEquals(2, upstream.connections());
        waitFor(() -> upstream.closedByClient() >= 1);
    }

    @Test
    void aPooledConnectionTheUpstreamClosedWhileIdleIsRetriedOnceOnAFreshOne() throws Exception {
        upstream.then(sized(200, "first")).then(sized(200, "second"));
        assertEquals("200 first", call("{}"));
        upstream.closeConnections(); // the upstream's keep-alive timeout
        Thread.sleep(100);
        assertEquals("200 second", call("{}"));
        assertEquals(2, upstream.connections());
        assertEquals(2, upstream.requests().size());
    }

    @Test
    void aFreshConnectionClosedBeforeAnyAnswerIsNotRetried() {
        upstream.then(out -> false).then(sized(200, "never"));
        ProviderException e = assertThrows(ProviderException.class, () -> call("{}"));
        assertEquals(Kind.UNAVAILABLE, e.failure().kind());
        assertEquals(1, upstream.connections());
    }

    @Test
    void aReusedConnectionWhoseAnswerStartedIsNotRetried() {
        upstream.then(sized(200, "first")).then(raw("HTTP/1.1 200 OK\r\nContent-Le", false)).then(sized(200, "never"));
        assertEquals("200 first", call("{}"));
        ProviderException e = assertThrows(ProviderException.class, () -> call("{}"));
        assertEquals(Kind.UNAVAILABLE, e.failure().kind());
        assertEquals(1, upstream.connections());
    }

    @Test
    void noHeadersWithinTheReadTimeoutIsATimeout() {
        upstream.then(out -> {
            Thread.sleep(5_000);
            return false;
        });
        Transport quick = clients.transportFor(settings(Duration.ofMillis(200)));
        ProviderException e = assertThrows(ProviderException.class, () -> quick.send(post("{}")));
        assertEquals(Kind.TIMEOUT, e.failure().kind());
    }

    @Test
    void aBodyThatStallsPastTheReadTimeoutIsATimeout() {
        upstream.then(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(5_000);
            return false;
        });
        Transport quick = clients.transportFor(settings(Duration.ofMillis(200)));
        try (HttpReply reply = quick.send(post("{}"))) {
            ProviderException e = assertThrows(ProviderException.class, reply::bodyText);
            assertEquals(Kind.TIMEOUT, e.failure().kind());
        }
    }

    @Test
    void aReadTimeoutEndsTheWaitOnTimeAndLeavesNoReadWaiting() {
        upstream.then(out -> {
            Thread.sleep(5_000);
            return false;
        });
        Transport quick = clients.transportFor(settings(Duration.ofMillis(300)));
        long start = System.nanoTime();
        ProviderException e = assertThrows(ProviderException.class, () -> quick.send(post("{}")));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(Kind.TIMEOUT, e.failure().kind());
        assertTrue(millis >= 300 && millis < 2_000, millis + " ms");
        assertEquals(0, ReadTimeouts.waitingReads());

        upstream.then(sized(200, "quick"));
        assertEquals("200 quick", call("{}"));
        assertEquals(0, ReadTimeouts.waitingReads());
    }

    @Test
    void aRedirectIsAnAnswerNotFollowed() {
        upstream.then(raw("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n", true));
        try (HttpReply reply = transport.send(post("{}"))) {
            assertEquals(302, reply.status());
            assertEquals("http://127.0.0.1:1/elsewhere", reply.header("location").orElseThrow());
        }
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void aHostThatDoesNotResolveKeepsItsUnknownHostExceptionAsCause() {
        HttpCall call = HttpCall.postJson(URI.create("http://no-such-host.invalid/v1"), Map.of(), "{}");
        ProviderException e = assertThrows(ProviderException.class, () -> transport.send(call));
        assertEquals(Kind.UNAVAILABLE, e.failure().kind());
        assertTrue(e.getCause() instanceof UnknownHostException, String.valueOf(e.getCause()));
        assertTrue(e.getMessage().contains("could not be resolved"), e.getMessage());
    }

    @Test
    void aCrLfInAPluginsHeaderIsRefusedBeforeAnyByteIsSent() throws Exception {
        HttpCall smuggling = HttpCall.postJson(upstream.uri("/v1"), Map.of("X-Note", "a\r\nX-Injected: 1"), "{}");
        ProviderException e = assertThrows(ProviderException.class, () -> transport.send(smuggling));
        assertEquals(Kind.UNAVAILABLE, e.failure().kind());
        assertTrue(!e.getMessage().contains("X-Injected"), e.getMessage());
        Thread.sleep(50);
        assertEquals(0, upstream.connections());
    }

    @Test
    void theCallsFramingHeadersAreTheClientsOwn() {
        upstream.then(sized(200, "{}"));
        HttpCall call = new HttpCall("POST", upstream.uri("/v1"), Map.of("Host", "evil", "Content-Length", "99",
                "Connection", "close", "Transfer-Encoding", "chunked"), "{}".getBytes(StandardCharsets.UTF_8));
        try (HttpReply reply = transport.send(call)) {
            assertEquals("{}", reply.bodyText());
        }
        String request = upstream.requests().getFirst();
        // header by header: the upstream's port may well contain "99"
        assertTrue(!request.contains("evil") && !request.contains("Content-Length: 99") && !request.contains("chunked")
                && !request.contains("close"), request);
    }

    @Test
    void idleConnectionsPerOriginAreBoundedAndExpire() throws Exception {
        try (ConnectionPool pool = new ConnectionPool(2, Duration.ofMillis(300));
             UpstreamClients bounded = new UpstreamClients(SSLContext.getDefault(), pool)) {
            Transport t = bounded.transportFor(settings(Duration.ofSeconds(5)));
            for (int i = 0; i < 3; i++) {
                upstream.then(sized(200, "r" + i));
            }
            HttpReply[] open = new HttpReply[3];
            for (int i = 0; i < 3; i++) {
                open[i] = t.send(post("{}")); // three answers at once: three connections
            }
            for (HttpReply reply : open) {
                reply.bodyText();
                reply.close();
            }
            Origin origin = Origin.of(upstream.uri("/"));
            assertEquals(3, upstream.connections());
            assertEquals(2, pool.idleCount(origin));
            waitFor(() -> upstream.closedByClient() == 1);
            waitFor(() -> pool.idleCount(origin) == 0); // the sweep, after the idle expiry
            waitFor(() -> upstream.closedByClient() == 3);
        }
    }

    @Test
    void closingTheClientsClosesTheirIdleConnections() throws Exception {
        upstream.then(sized(200, "{}"));
        call("{}");
        clients.close();
        waitFor(() -> upstream.closedByClient() == 1);
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
