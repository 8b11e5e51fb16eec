package io.modelbridge.testkit.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.SseEvent;
import io.modelbridge.spi.SseReader;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.openai.OpenAiStyle.Error;
import io.modelbridge.testkit.openai.OpenAiStyle.StreamUsage;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator started with another vendor's {@link OpenAiStyle}, over real sockets. */
class OpenAiStyleSimulatorTest {
    private static final String KEY = "vendor-key-0123456789";
    private static final OpenAiStyle VENDOR = OpenAiStyle.OPENAI.withBasePath("/api/v3").withAuth("api-key", "")
            .withUsage(StreamUsage.ON_FINISH_CHUNK)
            .withErrors(new OpenAiStyle.Errors(new Error(403, "authentication_error", "AuthFailed"),
                    new Error(400, "invalid_request_error", "ModelMissing"), new Error(429, "rate_limit", "TooFast"),
                    new Error(402, "billing", "NoBalance"), new Error(400, "invalid_request_error", "TooLong"),
                    new Error(422, "invalid_request_error", "BadValue")));
    private static OpenAiSimulator sim;
    private static DirectTransport transport;

    @BeforeAll
    static void start() {
        sim = OpenAiSimulator.start(VENDOR, KEY, List.of("vendor-chat"));
        transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        transport.close();
        sim.close();
    }

    @Test
    void servesUnderTheStylesBasePathOnly() throws IOException {
        assertEquals("echo: hi", json(post("/api/v3/chat/completions", Map.of("api-key", KEY), chat(false), 200))
                .at("/choices/0/message/content").asText());
        post("/v1/chat/completions", Map.of("api-key", KEY), chat(false), 404);
    }

    @Test
    void takesTheKeyFromTheStylesHeaderAndRefusesOthersWithItsError() throws IOException {
        JsonNode refused = json(post("/api/v3/chat/completions", Map.of("Authorization", "Bearer " + KEY), chat(false),
                403));
        assertEquals("authentication_error", refused.at("/error/type").asText());
        JsonNode wrong = json(post("/api/v3/chat/completions", Map.of("api-key", "nope-0123456789"), chat(false), 403));
        assertEquals("AuthFailed", wrong.at("/error/code").asText());
    }

    @Test
    void scriptedErrorsUseTheStylesStatusesAndCodes() throws IOException {
        sim.failNextRateLimited(1, Duration.ofSeconds(2));
        assertEquals("TooFast", json(post("/api/v3/chat/completions", Map.of("api-key", KEY), chat(false), 429))
                .at("/error/code").asText());
        sim.failNextQuotaExceeded(1);
        assertEquals("NoBalance", json(post("/api/v3/chat/completions", Map.of("api-key", KEY), chat(false), 402))
                .at("/error/code").asText());
        JsonNode unknown = json(post("/api/v3/chat/completions", Map.of("api-key", KEY),
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400));
        assertEquals("ModelMissing", unknown.at("/error/code").asText());
    }

    @Test
    void streamsCarryUsageOnTheFinishChunkUnasked() throws IOException {
        List<JsonNode> events = new ArrayList<>();
        try (HttpReply reply = send("/api/v3/chat/completions", Map.of("api-key", KEY), chat(true))) {
            assertEquals(200, reply.status());
            SseReader reader = new SseReader(reply.body());
            for (Optional<SseEvent> e = reader.next(); e.isPresent() && !e.get().data().equals("[DONE]"); e = reader.next()) {
                events.add(OpenAiSimulator.JSON.readTree(e.get().data()));
            }
        }
        JsonNode last = events.getLast();
        assertEquals("stop", last.at("/choices/0/finish_reason").asText());
        assertTrue(last.at("/usage/total_tokens").asInt() > 0, last.toString());
        assertTrue(events.stream().limit(events.size() - 1).noneMatch(e -> e.has("usage")), events.toString());
    }

    private static String chat(boolean stream) {
        return "{\"model\":\"vendor-chat\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static String post(String path, Map<String, String> headers, String body, int status) {
        try (HttpReply reply = send(path, headers, body)) {
            String text = reply.bodyText();
            assertEquals(status, reply.status(), text);
            return text;
        }
    }

    private static HttpReply send(String path, Map<String, String> headers, String body) {
        return transport.send(HttpCall.postJson(URI.create(sim.baseUri() + path), headers, body));
    }

    private static JsonNode json(String text) throws IOException {
        return OpenAiSimulator.JSON.readTree(text);
    }
}
