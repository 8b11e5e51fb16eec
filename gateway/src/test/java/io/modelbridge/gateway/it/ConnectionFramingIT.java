package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.config.ListenerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.x framing on raw sockets: bytes after a refused or unread body are never run as a request,
 * {@code Connection: close} is honoured, HTTP/1.0 is served, bad transfer codings and chunk sizes get the status RFC
 * 9112 gives in OpenAI's error shape, and a client aborting its upload is a 499, not a server error.
 */
@Tag("it")
@Tag("alone")
class ConnectionFramingIT {
    /** A request that must never be answered: smuggled inside a body. Any answer to it is a second status line. */
    private static final String SMUGGLED = "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    @TempDir
    static Path dataDir;
    static RunningGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(dataDir, c -> c.withListener(new ListenerConfig(1000, IDLE_TIMEOUT)));
        key = gateway.userWithKey("framing");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aBodyRefusedBeforeItWasReadIsNeverRunAsTheNextRequest() throws IOException {
        for (String connection : List.of("", "Connection: close\r\n", "Connection: keep-alive\r\n")) {
            String noKey = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + connection + "Content-Type: "
                    + "application/json\r\nContent-Length: " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED;
            assertOneAnswerThenClosed(noKey, 401, "401 before the body, " + connection);

            String getWithBody = "GET /healthz HTTP/1.1\r\nHost: x\r\n" + connection + "Content-Length: "
                    + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED;
            assertOneAnswerThenClosed(getWithBody, 200, "a GET with a body, " + connection);

            String smuggledChunked = Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n";
            String chunkedNoKey = "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\n" + connection
                    + "Transfer-Encoding: chunked\r\n\r\n" + smuggledChunked;
            assertOneAnswerThenClosed(chunkedNoKey, 401, "401 before a chunked body, " + connection);
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedAndItsBytesAreNeverRun() throws IOException {
        String padding = " ".repeat(70 * 1024); // over the test gateway's 64 KiB limit
        String body = SMUGGLED + padding;
        String declared = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n";
        // The refusal comes before the body is sent, so the "body" here is what a smuggler would send next.
        assertOneAnswerThenClosed(declared + SMUGGLED, 413, "declared Content-Length over the limit");

        String chunk = Integer.toHexString(padding.length()) + "\r\n" + padding + "\r\n";
        String chunked = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk
                + Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n" + SMUGGLED;
        assertOneAnswerThenClosed(chunked, 413, "chunked body over the limit");
    }

    @Test
    void connectionCloseIsHonouredAndKeepAliveStillWorks() throws IOException {
        assertOneAnswerThenClosed("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + SMUGGLED, 200,
                "Connection: close, then a pipelined request");
        String twoPipelined = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n";
        String answers = exchange(twoPipelined);
        assertEquals(List.of(200, 200), statuses(answers), answers);

        String body = "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\n";
        String sized = head + "Content-Length: " + body.length() + "\r\n\r\n" + body;
        String chunked = head + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n"
                + body + "\r\n0\r\n\r\n";
        String bodiesRead = exchange(sized + chunked + head + "Connection: close\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body);
        assertEquals(List.of(404, 404, 404), statuses(bodiesRead), "a body read to its end keeps the connection: "
                + bodiesRead);
    }

    @Test
    void aRequestThatStallsIsCutAfterTheIdleTimeout() throws IOException {
        String post = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n";
        for (String stalled : List.of("GET /healthz HTTP/1.1\r\n", "GET /healthz HTTP/1.1\r\nHost: x\r\n",
                post, post + "\r\n{\"model\":")) {
            long start = System.nanoTime();
            String answers = exchange(stalled, IDLE_TIMEOUT.plusSeconds(3));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertFalse(answers.contains("TIMEOUT"), "closed, not held: " + stalled);
            assertTrue(waitedMs >= IDLE_TIMEOUT.toMillis() - 100, "held until the timeout, " + waitedMs + " ms: "
                    + stalled);
            assertTrue(statuses(answers).isEmpty(), "nothing to answer: " + answers);
        }
    }

    @Test
    void http10IsServedAndClosesTheConnection() throws IOException {
        String withHost = exchange("GET /v1/models HTTP/1.0\r\nHost: gateway\r\nAuthorization: Bearer " + key
                + "\r\n\r\n" + SMUGGLED);
        assertEquals(List.of(200), statuses(withHost), withHost);
        assertTrue(withHost.contains("\"object\":\"list\""), withHost);
        String bare = exchange("GET /healthz HTTP/1.0\r\n\r\n");
        assertEquals(List.of(200), statuses(bare), "no Host header, as HTTP/1.0 allows: " + bare);
        String post = "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String chat = exchange("POST /v1/chat/completions HTTP/1.0\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + post.length() + "\r\n\r\n" + post);
        assertEquals(List.of(404), statuses(chat), "the body was read and the model looked up: " + chat);
        assertTrue(chat.contains("model_not_found"), chat);
    }

    @Test
    void unknownTransferCodingsAre501AndMalformedChunksAre400WithOneLogLine() throws IOException {
        String gzipChunked = exchange("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
        assertEquals(List.of(501), statuses(gzipChunked), gzipChunked);
        assertTrue(gzipChunked.contains("\"code\":\"unsupported_transfer_encoding\""), gzipChunked);
        assertTrue(gzipChunked.contains("Transfer-Encoding"), "names the problem: " + gzipChunked);

        try (LogCapture log = new LogCapture()) {
            String badSize = exchange("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
                    + SMUGGLED);
            assertEquals(List.of(400), statuses(badSize), badSize);
            assertTrue(badSize.contains("\"code\":\"invalid_chunked_body\""), badSize);
            assertTrue(badSize.contains("chunk"), "names the problem: " + badSize);
            assertEquals(1, log.records().size(), "one log line: " + log.lines());
            assertTrue(log.records().getFirst().getLevel().intValue() < Level.WARNING.intValue(), log.lines());
        }
    }

    @Test
    void aClientAbortingItsUploadIsA499NotAServerError() throws Exception {
        int aborts = 50;
        double errorsBefore = requests("500");
        double abortedBefore = requests("499");
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < aborts; i++) {
                try (Socket socket = connect()) {
                    socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: "
                            + "Bearer " + key + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                            + "{\"model\":").getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().flush();
                } // closed mid-body
            }
            long end = System.nanoTime() + 10_000_000_000L;
            while (requests("499") - abortedBefore < aborts && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertEquals(aborts, requests("499") - abortedBefore, "each abort counted as 499");
            assertEquals(0, requests("500") - errorsBefore, "no abort is a server error");
            assertTrue(log.records().size() <= aborts, "at most one line per abort: " + log.lines());
            assertTrue(log.records().stream().noneMatch(r -> r.getLevel().intValue() >= Level.SEVERE.intValue()),
                    log.lines());
            assertTrue(log.records().stream().noneMatch(r -> r.getThrown() != null), "no stack trace: " + log.lines());
        }
    }

    /** The sum of modelbridge_requests_total over the series with this status. */
    private static double requests(String status) throws IOException, InterruptedException {
        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin().resolve("/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(scrape.contains("modelbridge_requests_total"), scrape);
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^modelbridge_requests_total\\{[^}]*status=\"" + status + "\"[^}]*} (\\S+)$")
                .matcher(scrape);
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static void assertOneAnswerThenClosed(String bytes, int status, String what) throws IOException {
        String answers = exchange(bytes);
        assertEquals(List.of(status), statuses(answers), what + ": exactly one answer, then the connection closed:\n"
                + answers);
        assertFalse(answers.contains("\"object\":\"list\""), what + ": the smuggled request ran:\n" + answers);
    }

    /** Sends the bytes at once and reads until the gateway closes the connection (<TIMEOUT> if it does not). */
    private static String exchange(String bytes) throws IOException {
        return exchange(bytes, Duration.ofSeconds(3));
    }

    private static String exchange(String bytes, Duration patience) throws IOException {
        try (Socket socket = connect()) {
            socket.setSoTimeout((int) patience.toMillis());
            socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                received.writeBytes("<TIMEOUT: connection still open>".getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException reset) {
                received.writeBytes(("<" + reset.getMessage() + ">").getBytes(StandardCharsets.ISO_8859_1));
            }
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.api().getPort()), 2000);
        socket.setSoTimeout(3000);
        return socket;
    }

    private static List<Integer> statuses(String answers) {
        return STATUS_LINE.matcher(answers).results().map(r -> Integer.parseInt(r.group(1))).toList();
    }

    /** What the gateway logs (JUL, where slf4j-jdk14 sends it) while open, INFO and above. */
    private static final class LogCapture extends Handler implements AutoCloseable {
        private final List<LogRecord> records = new CopyOnWriteArrayList<>();

        LogCapture() {
            setLevel(Level.INFO);
            Logger.getLogger("").addHandler(this);
        }

        List<LogRecord> records() {
            return records;
        }

        String lines() {
            return records.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + " " + r.getMessage()).toList()
                    .toString();
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                records.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            Logger.getLogger("").removeHandler(this);
        }
    }
}
