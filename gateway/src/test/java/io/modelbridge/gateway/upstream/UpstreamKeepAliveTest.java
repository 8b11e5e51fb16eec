package io.modelbridge.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Answered calls leave their upstream connection open for the next one. Before this test, every whole answer read
 * by its Content-Length closed its connection (the body was never read to its end), so each request paid a TCP
 * connect, a DNS lookup and a close: 8,626 connects for 8,435 requests under wrk, 44 % of the gateway's CPU in the
 * kernel.
 */
class UpstreamKeepAliveTest {
    private final AtomicInteger accepted = new AtomicInteger();
    private ServerSocket server;
    private UpstreamClients clients;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        clients = new UpstreamClients();
    }

    @AfterEach
    void stop() throws IOException {
        clients.close();
        server.close();
    }

    /** Answers every request on the connection with a sized JSON body, or a 429 error body for /limited. */
    private static void serve(Socket socket) {
        try (socket) {
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            for (String start = in.readLine(); start != null; start = in.readLine()) {
                int length = 0;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                in.skip(length); // ASCII bodies: one char per byte
                boolean limited = start.contains("/limited");
                byte[] body = (limited ? "{\"error\":{\"message\":\"slow down\"}}" : "{\"id\":\"x\",\"ok\":true}")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(((limited ? "HTTP/1.1 429 Too Many Requests" : "HTTP/1.1 200 OK")
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                if (start.contains("/once")) {
                    return; // closes the connection it left open, as an upstream's idle timeout does
                }
            }
        } catch (IOException gone) {
            // the client closed the connection
        }
    }

    private String call(String path) {
        Transport transport = clients.transportFor(new ProviderSettings("keepalive", "", "", Duration.ofSeconds(5),
                Duration.ofSeconds(5), Map.of()));
        URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
        try (HttpReply reply = transport.send(HttpCall.postJson(uri, Map.of(), "{\"model\":\"m\"}"))) {
            return reply.status() + " " + reply.bodyText();
        }
    }

    @Test
    void successiveWholeAnswersShareOneConnection() {
        for (int i = 0; i < 20; i++) {
            assertEquals("200 {\"id\":\"x\",\"ok\":true}", call("/v1/chat/completions"));
        }
        assertEquals(1, accepted.get(), "upstream connections opened for 20 successive calls");
    }

    @Test
    void aConnectionTheUpstreamClosedWhileIdleIsNotReusedForTheNextCall() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            assertEquals("200 {\"id\":\"x\",\"ok\":true}", call("/v1/once"));
            Thread.sleep(200);
        }
        assertEquals(5, accepted.get(), "each call after the upstream closed the idle connection opened a new one");
    }

    @Test
    void errorAnswersReadWholeKeepTheConnectionToo() {
        for (int i = 0; i < 10; i++) {
            assertEquals("429 {\"error\":{\"message\":\"slow down\"}}", call("/limited"));
        }
        assertEquals(1, accepted.get(), "upstream connections opened for 10 successive error answers");
    }
}
