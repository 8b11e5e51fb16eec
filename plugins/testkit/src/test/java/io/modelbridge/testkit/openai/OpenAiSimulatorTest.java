package io.modelbridge.testkit.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.SseEvent;
import io.modelbridge.spi.SseReader;
import io.modelbridge.testkit.DirectTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator against the wire format of vendor-protocols.md section 1, over real sockets. */
class OpenAiSimulatorTest {
    private static OpenAiSimulator sim;
    private static DirectTransport transport;

    @BeforeAll
    static void start() {
        sim = OpenAiSimulator.start();
        transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        transport.close();
        sim.close();
    }

    @AfterEach
    void reset() {
        sim.reset();
    }

    @Test
    void nonStreamEchoesTheLastUserMessageWithWordCountUsage() {
        JsonNode body = post("/v1/chat/completions", chat("hello there world", false, false), 200);
        assertEquals("chat.completion", body.path("object").asText());
        assertEquals("echo: hello there world", body.at("/choices/0/message/content").asText());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertEquals(3, body.at("/usage/prompt_tokens").asInt());
        assertEquals(4, body.at("/usage/completion_tokens").asInt());
        assertEquals(7, body.at("/usage/total_tokens").asInt());
    }

    @Test
    void streamWithIncludeUsageHasNullUsageOnEveryChunkAndATrailingUsageChunk() {
        List<String> events = stream(chat("hi you", true, true));
        assertEquals("[DONE]", events.getLast());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(OpenAiSimulatorTest::json).toList();
        assertEquals("assistant", chunks.getFirst().at("/choices/0/delta/role").asText());
        assertEquals("", chunks.getFirst().at("/choices/0/delta/content").asText());
        JsonNode usageChunk = chunks.getLast();
        assertTrue(usageChunk.path("choices").isArray() && usageChunk.path("choices").isEmpty());
        assertEquals(2 + 3, usageChunk.at("/usage/total_tokens").asInt());
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks.subList(0, chunks.size() - 1)) {
            assertTrue(chunk.has("usage") && chunk.get("usage").isNull(), chunk.toString());
            assertEquals(chunks.getFirst().path("id"), chunk.path("id"));
            text.append(chunk.at("/choices/0/delta/content").asText(""));
        }
        assertEquals("echo: hi you", text.toString());
        assertEquals("stop", chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText());
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsageAtAll() {
        List<String> events = stream(chat("hi", true, false));
        assertEquals("[DONE]", events.getLast());
        for (String event : events.subList(0, events.size() - 1)) {
            assertFalse(json(event).has("usage"), event);
            assertEquals(1, json(event).path("choices").size());
        }
    }

    @Test
    void streamedToolCallStartsWithIdAndNameThenArgumentFragments() {
        String request = """
                {"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Paris"}],
                 "tools":[{"type":"function","function":{"name":"get_weather",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}""";
        List<String> events = stream(request);
        JsonNode first = json(events.getFirst());
        assertEquals("get_weather", first.at("/choices/0/delta/tool_calls/0/function/name").asText());
        assertEquals("call_sim_1", first.at("/choices/0/delta/tool_calls/0/id").asText());
        StringBuilder arguments = new StringBuilder();
        for (String event : events.subList(1, events.size() - 2)) {
            JsonNode call = json(event).at("/choices/0/delta/tool_calls/0");
            assertTrue(call.path("id").isMissingNode());
            arguments.append(call.at("/function/arguments").asText());
        }
        assertEquals("{\"city\":\"Paris\"}", arguments.toString());
        assertEquals("tool_calls", json(events.get(events.size() - 2)).at("/choices/0/finish_reason").asText());
    }

    @Test
    void wrongKeyIsRefusedWithInvalidApiKey() {
        try (HttpReply reply = transport.send(HttpCall.postJson(uri("/v1/chat/completions"),
                Map.of("Authorization", "Bearer sk-wrong-key-123456"), chat("hi", false, false)))) {
            assertEquals(401, reply.status());
            assertEquals("invalid_api_key", json(reply.bodyText()).at("/error/code").asText());
        }
    }

    @Test
    void unknownModelIs404AndMalformedJsonIs400() {
        assertEquals("model_not_found", post("/v1/chat/completions",
                chat("hi", false, false).replace("gpt-4o", "gpt-9"), 404).at("/error/code").asText());
        assertEquals("invalid_request_error", post("/v1/chat/completions", "{nope", 400).at("/error/type").asText());
    }

    @Test
    void rateLimitCarriesRetryAfterAndIsConsumedOnce() {
        sim.failNextRateLimited(1, Duration.ofSeconds(7));
        try (HttpReply reply = send("/v1/chat/completions", chat("hi", false, false))) {
            assertEquals(429, reply.status());
            assertEquals(Optional.of("7"), reply.header("retry-after"));
            assertEquals("rate_limit_exceeded", json(reply.bodyText()).at("/error/code").asText());
        }
        post("/v1/chat/completions", chat("hi", false, false), 200);
    }

    @Test
    void embeddingsAreDeterministicInFloatAndBase64() {
        JsonNode floats = post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[\"a b\",\"c\"],"
                + "\"dimensions\":4}", 200);
        float[] expected = OpenAiSimulator.embeddingOf("a b", 4);
        assertEquals(expected[2], (float) floats.at("/data/0/embedding/2").asDouble());
        assertEquals(3, floats.at("/usage/prompt_tokens").asInt());
        JsonNode b64 = post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"a b\","
                + "\"dimensions\":4,\"encoding_format\":\"base64\"}", 200);
        byte[] bytes = Base64.getDecoder().decode(b64.at("/data/0/embedding").asText());
        assertEquals(Float.floatToIntBits(expected[0]),
                java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
    }

    @Test
    void modelsAreListedAndLookedUp() {
        JsonNode list = get("/v1/models", 200);
        assertEquals(OpenAiSimulator.DEFAULT_MODELS.size(), list.path("data").size());
        assertEquals("gpt-4o", get("/v1/models/gpt-4o", 200).path("id").asText());
        assertEquals("model_not_found", get("/v1/models/nope", 404).at("/error/code").asText());
    }

    @Test
    void droppedStreamEndsWithAnIoErrorBeforeDone() {
        sim.dropStreamAfter(2);
        try (HttpReply reply = send("/v1/chat/completions", chat("one two three", true, false))) {
            SseReader reader = new SseReader(reply.body());
            assertTrue(reader.next().isPresent());
            assertTrue(reader.next().isPresent());
            assertThrows(UncheckedIOException.class, reader::next);
        }
    }

    @Test
    void errorEventEndsTheStreamWithoutDone() {
        sim.errorEventAfter(1);
        List<String> events = stream(chat("one two", true, false));
        assertEquals(2, events.size());
        assertEquals("server_error", json(events.get(1)).at("/error/type").asText());
    }

    @Test
    void clientCloseIsSeenAsACancelledStream() {
        sim.chunkDelay(Duration.ofMillis(50));
        sim.replyWith("a b c d e f g h i j k l m n o p q r s t u v w x y z");
        int before = sim.cancelledStreams();
        try (HttpReply reply = send("/v1/chat/completions", chat("x", true, false))) {
            assertTrue(new SseReader(reply.body()).next().isPresent());
        }
        assertTrue(sim.awaitCancelledStreams(before + 1, Duration.ofSeconds(2)));
    }

    @Test
    void hangBeforeHeadersAndSlowChunksTimeOut() {
        try (DirectTransport quick = new DirectTransport(Duration.ofSeconds(1), Duration.ofMillis(200))) {
            sim.hangBeforeHeaders(Duration.ofSeconds(5));
            ProviderException noHeaders = assertThrows(ProviderException.class, () -> quick.send(call("/v1/models")));
            assertEquals(Kind.TIMEOUT, noHeaders.failure().kind());
            sim.reset();
            sim.chunkDelay(Duration.ofSeconds(2));
            try (HttpReply reply = quick.send(HttpCall.postJson(uri("/v1/chat/completions"), auth(), chat("x", true, false)))) {
                SseReader reader = new SseReader(reply.body());
                assertTrue(reader.next().isPresent(), "the first event comes at once");
                ProviderException slow = assertThrows(ProviderException.class, reader::next);
                assertEquals(Kind.TIMEOUT, slow.failure().kind());
            }
        }
    }

    @Test
    void connectionRefusedIsUnavailable() throws IOException {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ProviderException e = assertThrows(ProviderException.class, () -> transport.send(
                new HttpCall("GET", URI.create("http://127.0.0.1:" + port + "/v1/models"), Map.of(), new byte[0])));
        assertEquals(Kind.UNAVAILABLE, e.failure().kind());
        assertNull(e.failure().retryAfter());
    }

    private static String chat(String text, boolean stream, boolean includeUsage) {
        return "{\"model\":\"gpt-4o\",\"stream\":" + stream
                + (includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    private static List<String> stream(String request) {
        List<String> events = new ArrayList<>();
        try (HttpReply reply = send("/v1/chat/completions", request)) {
            assertEquals(200, reply.status());
            SseReader reader = new SseReader(reply.body());
            for (Optional<SseEvent> e = reader.next(); e.isPresent(); e = reader.next()) {
                events.add(e.get().data());
            }
        }
        return events;
    }

    private static JsonNode post(String path, String body, int status) {
        try (HttpReply reply = send(path, body)) {
            assertEquals(status, reply.status());
            return json(reply.bodyText());
        }
    }

    private static JsonNode get(String path, int status) {
        try (HttpReply reply = transport.send(call(path))) {
            assertEquals(status, reply.status());
            return json(reply.bodyText());
        }
    }

    private static HttpCall call(String path) {
        return new HttpCall("GET", uri(path), auth(), new byte[0]);
    }

    private static HttpReply send(String path, String body) {
        return transport.send(HttpCall.postJson(uri(path), auth(), body));
    }

    private static Map<String, String> auth() {
        return Map.of("Authorization", "Bearer " + sim.apiKey());
    }

    private static URI uri(String path) {
        return sim.baseUri().resolve(path);
    }

    private static JsonNode json(String text) {
        try {
            return OpenAiSimulator.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
