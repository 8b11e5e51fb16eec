package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies and whole upstream answers held in memory at once are bounded (MB_BODY_MEMORY_BYTES), whoever sends
 * them: 48 clients of one key sending 8 MiB bodies at once ran a 1.5 GiB heap out of memory, and so did 48 small
 * requests whose upstream answered 15 MiB each. Here the budget and the largest body are both 1 MiB: while one client
 * is part-way through a large body, another large body, or a large answer, fails 503 {@code server_busy} with
 * Retry-After, small requests are still answered, and once the first is done the budget is whole again.
 */
@Tag("it")
@Timeout(120)
@Tag("alone")
class BodyMemoryIT {
    static final int BUDGET = 1024 * 1024;
    @TempDir
    static Path dataDir;
    static OpenAiSimulator upstream;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        upstream.replyWith("ok");
        gateway = RunningGateway.start(dataDir, c -> c.withMaxBodyBytes(BUDGET)
                .withListener(c.listener().withBodyMemory(BUDGET)));
        api = new ApiCalls(gateway.api());
        gateway.channel("sim", "openai", upstream.baseUri().toString(), upstream.apiKey(), "gpt-4o");
        key = gateway.userWithKey("uploader");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aBodyPastTheBudgetIsRefusedUntilTheBodiesHeldAreDone() throws Exception {
        upstream.replyWith("ok");
        byte[] slow = chat(1_000_000).getBytes(StandardCharsets.UTF_8);
        String large = chat(600_000);
        try (Socket socket = slowRequest(slow, 700_000)) { // the gateway holds room for what it read, waits for more
            OutputStream out = socket.getOutputStream();
            awaitHeld(700_000, BUDGET);

            HttpResponse<String> refused = api.post("/v1/chat/completions", key, large);
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("server_busy", ApiCalls.json(refused.body()).at("/error/code").asText(), refused.body());
            assertEquals("server_error", ApiCalls.json(refused.body()).at("/error/type").asText(), refused.body());
            assertEquals("1", refused.headers().firstValue("retry-after").orElse(null));

            api.chatOk(key, ApiCalls.chat("gpt-4o", "a small request still goes through", false));

            out.write(slow, 700_000, slow.length - 700_000);
            out.flush();
            String status = statusLine(socket.getInputStream());
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
        }
        for (int i = 0; i < 3; i++) { // the held and the refused bodies gave their room back
            // A request gives its room back once its answer is out, so a client may read the answer a moment before
            // the room is free (under load, tens of ms): a large body sent at once then gets 503 and Retry-After.
            awaitHeld(0, 0);
            api.chatOk(key, large);
        }
        awaitHeld(0, 0);
    }

    @Test
    void anAnswerPastTheBudgetFailsTheRequestWithoutBlamingTheChannel() throws Exception {
        String answer = "x".repeat(600_000);
        upstream.replyWith(answer);
        HttpResponse<String> alone = api.chatOk(key, ApiCalls.chat("gpt-4o", "a large answer fits alone", false));
        assertEquals(answer, ApiCalls.json(alone.body()).at("/choices/0/message/content").asText());
        awaitHeld(0, 0);

        byte[] slow = chat(600_000).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = slowRequest(slow, 500_000)) {
            awaitHeld(500_000, BUDGET);

            HttpResponse<String> refused = api.post("/v1/chat/completions", key,
                    ApiCalls.chat("gpt-4o", "its answer does not fit now", false));
            assertEquals(503, refused.statusCode(), refused.body().substring(0, Math.min(300,
                    refused.body().length())));
            assertEquals("server_busy", ApiCalls.json(refused.body()).at("/error/code").asText(), refused.body());
            assertEquals("1", refused.headers().firstValue("retry-after").orElse(null));
        } // the slow client gives up: its room is given back
        awaitHeld(0, 0);
        assertEquals(answer, ApiCalls.json(api.chatOk(key, ApiCalls.chat("gpt-4o", "fits again", false)).body())
                .at("/choices/0/message/content").asText());
        assertFalse(scrape().contains("modelbridge_upstream_errors_total{"), "no failure counted against the channel");
    }

    /** A chat request whose body is {@code body}, on a socket of its own, of which only {@code sent} bytes are sent. */
    private static Socket slowRequest(byte[] body, int sent) throws IOException {
        Socket socket = new Socket(gateway.api().getHost(), gateway.api().getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, sent);
        out.flush();
        return socket;
    }

    /** A chat request of {@code bytes} bytes to gpt-4o whose prompt is one word. */
    private static String chat(int bytes) {
        return AdmissionIT.singleWord(bytes).replace("\"big\"", "\"gpt-4o\"");
    }

    /**
     * Waits until the bodies held (modelbridge_body_bytes_held) are between {@code least} and {@code most}
     * bytes.
     */
    private static void awaitHeld(long least, long most) throws IOException, InterruptedException {
        for (long end = System.nanoTime() + 30_000_000_000L; System.nanoTime() < end; Thread.sleep(20)) {
            double held = held();
            if (held >= least && held <= most) {
                return;
            }
        }
        throw new AssertionError("the gateway's body bytes held never came within " + least + "-" + most
                + "; it holds " + held());
    }

    private static double held() throws IOException, InterruptedException {
        String scrape = scrape();
        Matcher m = Pattern.compile("(?m)^modelbridge_body_bytes_held (\\S+)$").matcher(scrape);
        assertTrue(m.find(), scrape);
        return Double.parseDouble(m.group(1));
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }

    private static String scrape() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
