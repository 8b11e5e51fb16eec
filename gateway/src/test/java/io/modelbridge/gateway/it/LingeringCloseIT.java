package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body over the limit is refused before it is read, and the connection closes gracefully (RFC 9112, section 9.6):
 * the client gets its 413 even while it is still sending, and what it sends afterwards is read and dropped for at
 * most 2 s and 4 MiB. Without this, closing a socket with unread bytes sent a reset that could lose the answer.
 */
@Tag("it")
@Tag("alone")
class LingeringCloseIT {
    private static final int POSTS = 200;
    private static final int BODY_BYTES = 512 * 1024; // over the test gateway's 64 KiB limit, under the 4 MiB drain
    @TempDir
    static Path dataDir;
    static RunningGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(dataDir);
        key = gateway.userWithKey("lingering");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void twoHundredConcurrentPostsOfAWholeBodyOverTheLimitAllGetTheir413() throws Exception {
        byte[] body = new byte[BODY_BYTES];
        Arrays.fill(body, (byte) ' ');
        List<Future<String>> outcomes = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < POSTS; i++) {
                outcomes.add(clients.submit(() -> postAtOnce(body)));
            }
            Map<String, Integer> counts = new TreeMap<>();
            for (Future<String> outcome : outcomes) {
                counts.merge(outcome.get(60, TimeUnit.SECONDS), 1, Integer::sum);
            }
            assertEquals(Map.of("413", POSTS), counts, "every client sent its whole body and got the 413, then the "
                    + "end of the stream: no reset, no broken pipe");
        }
    }

    /** Like a client that does not wait for 100-continue: the head and the whole body in one write, then the answer. */
    private static String postAtOnce(byte[] body) {
        try (Socket socket = new Socket()) {
            // A small send buffer: the write returns only once the gateway has read most of the body
            socket.setSendBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.api().getPort()), 5000);
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(head(body.length));
            request.writeBytes(body);
            try {
                socket.getOutputStream().write(request.toByteArray());
            } catch (IOException e) {
                return "while sending: " + e.getMessage();
            }
            String answer = readToEnd(socket.getInputStream());
            return answer.startsWith("HTTP/1.1 413 ") && answer.endsWith("}") ? "413" : answer.lines().findFirst()
                    .orElse("nothing") + (answer.endsWith(">") ? answer.substring(answer.lastIndexOf('<')) : "");
        } catch (IOException e) {
            return "connect: " + e.getMessage();
        }
    }

    @Test
    void aClientThatKeepsSendingAfterThe413IsCutOffAtTheTimeBound() throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(100L * 1024 * 1024));
            out.flush();
            String answer = readToEnd(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.endsWith("}"), "the answer, then the end of the stream (the half-close), no reset: "
                    + answer);
            long start = System.nanoTime();
            byte[] trickle = new byte[100];
            long sent = 0;
            try {
                while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                    out.write(trickle);
                    out.flush();
                    sent += trickle.length;
                    sleep(50);
                }
            } catch (IOException cutOff) {
                // the gateway closed the connection
            }
            long heldMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(heldMs >= 1500 && heldMs <= 3500, "read and dropped for about 2 s, then cut: " + heldMs
                    + " ms, " + sent + " bytes");
        }
    }

    @Test
    void aClientThatFloodsAfterThe413IsCutOffAtTheByteBound() throws IOException {
        try (Socket socket = new Socket()) {
            // A small send buffer: what the client could send is what the gateway read, give or take its own buffer
            socket.setSendBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.api().getPort()), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(head(1024L * 1024 * 1024));
            long start = System.nanoTime();
            byte[] piece = new byte[64 * 1024];
            long sent = 0;
            try {
                while (sent < 256L * 1024 * 1024 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                    out.write(piece);
                    sent += piece.length;
                }
            } catch (IOException cutOff) {
                // the gateway closed the connection
            }
            long heldMs = (System.nanoTime() - start) / 1_000_000;
            long drained = 4L * 1024 * 1024;
            assertTrue(sent >= drained && sent <= drained + 8L * 1024 * 1024 && heldMs < 3000,
                    "4 MiB read and dropped, then cut (plus what the socket buffers hold): " + sent + " bytes in "
                            + heldMs + " ms");
            String answer = readToEnd(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413 "), "the answer is still there to read: " + answer);
        }
    }

    private static byte[] head(long contentLength) {
        return ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.api().getPort()), 2000);
        socket.setSoTimeout(5000);
        return socket;
    }

    /** What arrives until the end of the stream; a reset or a timeout is appended in angle brackets. */
    private static String readToEnd(InputStream in) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (IOException e) {
            received.writeBytes(("<" + e + ">").getBytes(StandardCharsets.ISO_8859_1));
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
