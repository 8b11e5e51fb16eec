package io.modelbridge.provider.deepseek;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.deepseek.DeepSeekSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DeepSeek specifics over a real socket: the reasoner, the request DeepSeek gets, its error table. */
class DeepSeekAdapterTest {
    private static DeepSeekSimulator simulator;
    private static DirectTransport transport;
    private final DeepSeekAdapter adapter = new DeepSeekAdapter();

    @BeforeAll
    static void start() {
        simulator = DeepSeekSimulator.start();
        transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        transport.close();
        simulator.close();
    }

    @AfterEach
    void reset() {
        simulator.reset();
    }

    @Test
    void reasonerAnswersCarryReasoningContentInBothModes() {
        ChatResponse plain = adapter.chat(ask("deepseek-reasoner", "9.11 or 9.8"), ctx(Map.of()));
        Message message = plain.choices().getFirst().message();
        assertEquals("Thinking about: 9.11 or 9.8", message.reasoningContent());
        assertEquals("echo: 9.11 or 9.8", message.text());
        ChunkRecorder stream = new ChunkRecorder();
        adapter.stream(ask("deepseek-reasoner", "9.11 or 9.8"), ctx(Map.of()), stream);
        List<ChatChunk> chunks = stream.chunks();
        assertInstanceOf(ChatChunk.ReasoningDelta.class, chunks.getFirst(), chunks.toString());
        String reasoning = String.join("", stream.of(ChatChunk.ReasoningDelta.class).stream()
                .map(ChatChunk.ReasoningDelta::text).toList());
        assertEquals(message.reasoningContent(), reasoning);
        assertEquals(message.text(), stream.text());
        int lastReasoning = chunks.lastIndexOf(stream.of(ChatChunk.ReasoningDelta.class).getLast());
        int firstText = chunks.indexOf(stream.of(ChatChunk.TextDelta.class).getFirst());
        assertTrue(lastReasoning < firstText, "thinking first, then the answer: " + chunks);
        assertEquals(plain.usage(), stream.of(ChatChunk.UsageReport.class).getFirst().usage());
    }

    @Test
    void earlierReasoningIsLeftOutOfTheHistoryUnlessTheChannelKeepsIt() {
        Message previous = new Message("assistant", List.of(new ContentPart.Text("9.8")), null, List.of(), null,
                "long thoughts");
        ChatRequest followUp = new ChatRequest("deepseek-reasoner", List.of(Message.of("user", "9.11 or 9.8"),
                previous, Message.of("user", "why")), false, false, Sampling.none(), List.of(), null, null, Map.of());
        assertEquals("echo: why", adapter.chat(followUp, ctx(Map.of())).choices().getFirst().message().text());
        assertFalse(simulator.lastRequest().body().contains("reasoning_content"));
        ProviderFailure refused = fail(() -> adapter.chat(followUp, ctx(Map.of("reasoning-history", "keep"))));
        assertEquals(Kind.BAD_REQUEST, refused.kind(), "the R1-era reasoner refuses it, as DeepSeek documents");
        assertEquals("long thoughts", json(simulator.lastRequest()).at("/messages/1/reasoning_content").asText());
    }

    @Test
    void whatDeepSeekRejectsIsRefusedBeforeAnyCall() {
        int before = simulator.requests().size();
        Map<String, Object> logprobs = Map.of("logprobs", true, "top_logprobs", 2);
        ChatRequest reasonerLogprobs = new ChatRequest("deepseek-reasoner", List.of(Message.of("user", "hi")), false,
                false, Sampling.none(), List.of(), null, null, logprobs);
        assertTrue(fail(() -> adapter.chat(reasonerLogprobs, ctx(Map.of()))).message().contains("logprobs"));
        Sampling twoChoices = new Sampling(null, null, null, List.of(), null, null, 2, null);
        ChatRequest n2 = new ChatRequest("deepseek-chat", List.of(Message.of("user", "hi")), false, false, twoChoices,
                List.of(), null, null, Map.of());
        assertTrue(fail(() -> adapter.chat(n2, ctx(Map.of()))).message().contains("n must be 1"));
        Message image = new Message("user", List.of(new ContentPart.Text("what is it"),
                new ContentPart.ImageUrl("data:image/png;base64,AAAA", null)), null, List.of(), null, null);
        ChatRequest withImage = new ChatRequest("deepseek-chat", List.of(image), false, false, Sampling.none(),
                List.of(), null, null, Map.of());
        assertTrue(fail(() -> adapter.chat(withImage, ctx(Map.of()))).message().contains("image_url"));
        Map<String, Object> schema = Map.of("response_format", Map.of("type", "json_schema"));
        ChatRequest jsonSchema = new ChatRequest("deepseek-chat", List.of(Message.of("user", "hi")), false, false,
                Sampling.none(), List.of(), null, null, schema);
        assertTrue(fail(() -> adapter.chat(jsonSchema, ctx(Map.of()))).message().contains("json_schema"));
        assertEquals(before, simulator.requests().size(), "nothing reached DeepSeek");
        ChatRequest chatLogprobs = reasonerLogprobs.withModel("deepseek-chat");
        adapter.chat(chatLogprobs, ctx(Map.of()));
        assertTrue(json(simulator.lastRequest()).path("logprobs").asBoolean(), "deepseek-chat may use logprobs");
    }

    /** Claude Code asks for 32,000 tokens: more than DeepSeek takes, so the model's cap goes instead of a 400. */
    @Test
    void aLimitAboveTheModelsCapGoesAsTheCap() {
        for (String model : List.of("deepseek-chat", "deepseek-reasoner")) {
            ChatRequest request = new ChatRequest(model, List.of(Message.of("user", "hi")), false, false,
                    new Sampling(null, null, 100_000, List.of(), null, null, null, null), List.of(), null, null,
                    Map.of());
            adapter.chat(request, ctx(Map.of()));
            assertEquals(DeepSeekCodec.maxTokensCap(model), json(simulator.lastRequest()).path("max_tokens").asInt());
        }
        assertEquals(8192, DeepSeekCodec.maxTokensCap("deepseek-chat"));
        assertEquals(65536, DeepSeekCodec.maxTokensCap("deepseek-reasoner"));
    }

    @Test
    void requestGoesToChatCompletionsWithBearerKeyAndStreamUsage() {
        Sampling sampling = new Sampling(0.3, 0.9, 100, List.of("END"), 0.1, 0.2, 1, 42L);
        ChatRequest request = new ChatRequest("deepseek-chat", List.of(Message.of("developer", "terse"),
                Message.of("user", "hi")), true, false, sampling, List.of(), null, "user-7",
                Map.of("response_format", Map.of("type", "json_object")));
        adapter.stream(request, ctx(Map.of()), new ChunkRecorder());
        RecordedRequest sent = simulator.lastRequest();
        assertEquals("/chat/completions", sent.path());
        assertEquals(Optional.of("Bearer " + simulator.apiKey()), sent.header("authorization"));
        JsonNode body = json(sent);
        assertTrue(body.at("/stream_options/include_usage").asBoolean());
        assertEquals("system", body.at("/messages/0/role").asText(), "developer becomes system");
        assertEquals(0.3, body.path("temperature").asDouble());
        assertEquals(100, body.path("max_tokens").asInt());
        assertEquals("END", body.at("/stop/0").asText());
        assertEquals("json_object", body.at("/response_format/type").asText());
        for (String absent : List.of("user", "seed", "n")) {
            assertFalse(body.has(absent), absent + " is not a DeepSeek parameter");
        }
        ProviderSettings v1 = new ProviderSettings("c", simulator.baseUri() + "/v1", simulator.apiKey(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
        adapter.chat(ask("deepseek-chat", "alias"), new CallContext(v1, transport, Instant.now().plusSeconds(30),
                Clock.systemUTC()));
        assertEquals("/v1/chat/completions", simulator.lastRequest().path());
    }

    @Test
    void keepAlivePaddingIsSkippedInBothModes() {
        simulator.keepAlives(3);
        assertEquals("echo: padded", adapter.chat(ask("deepseek-chat", "padded"), ctx(Map.of()))
                .choices().getFirst().message().text());
        ChunkRecorder stream = new ChunkRecorder();
        adapter.stream(ask("deepseek-chat", "padded"), ctx(Map.of()), stream);
        assertEquals("echo: padded", stream.text());
    }

    @Test
    void runningOutOfCapacityIsARetryableFailureNotAFinish() {
        simulator.outOfCapacityAfter(1);
        ChunkRecorder stream = new ChunkRecorder();
        ProviderException e = assertThrows(ProviderException.class,
                () -> adapter.stream(ask("deepseek-chat", "a b c"), ctx(Map.of()), stream));
        assertEquals(Kind.UNAVAILABLE, e.failure().kind());
        assertEquals("insufficient_system_resource", e.failure().vendorCode());
        assertEquals(List.of(), stream.of(ChatChunk.Finish.class));
        assertEquals("", stream.text(), "nothing was delivered, so the gateway may still fail over");
    }

    @ParameterizedTest(name = "{0} {2} -> {3}")
    @CsvSource({
        "400, invalid_request_error, Model Not Exist, MODEL_NOT_FOUND",
        "400, invalid_request_error, This model's maximum context length is 65536 tokens, CONTEXT_TOO_LONG",
        "400, invalid_request_error, Failed to deserialize the JSON body, BAD_REQUEST",
        "401, authentication_error, Authentication Fails (no such user), AUTH",
        "402, unknown_error, Insufficient Balance, QUOTA",
        "422, invalid_request_error, Invalid max_tokens value, BAD_REQUEST",
        "429, rate_limit_reached_error, Rate Limit Reached, RATE_LIMIT",
        "500, server_error, Server Error, UNAVAILABLE",
        "503, server_error, Server Overloaded, UNAVAILABLE",
        "404, invalid_request_error, Not Found, PROTOCOL",
    })
    void errorStatusesAreClassifiedAsDeepSeekDocumentsThem(int status, String type, String message, Kind kind) {
        simulator.failNext(1, status, type, message);
        ProviderFailure failure = fail(() -> adapter.chat(ask("deepseek-chat", "hi"), ctx(Map.of())));
        assertEquals(kind, failure.kind());
        assertEquals(status, failure.upstreamStatus());
        assertTrue(failure.message().contains(message), failure.message());
    }

    @Test
    void retryAfterIsHonouredWhenAProxySendsOneAndAbsentOtherwise() {
        simulator.failNextRateLimited(1, Duration.ofSeconds(4));
        assertEquals(Duration.ofSeconds(4), fail(() -> adapter.chat(ask("deepseek-chat", "x"), ctx(Map.of())))
                .retryAfter());
        simulator.failNextRateLimited(1, null);
        assertNull(fail(() -> adapter.chat(ask("deepseek-chat", "x"), ctx(Map.of()))).retryAfter());
    }

    @Test
    void bodiesThatAreNotDeepSeekErrorsAreClassifiedByStatus() {
        simulator.failNextWithBody(1, 502, "text/html", "<html>502 Bad Gateway</html>");
        assertEquals(Kind.UNAVAILABLE, fail(() -> adapter.chat(ask("deepseek-chat", "x"), ctx(Map.of()))).kind());
        simulator.failNextWithBody(1, 400, "text/html", "<html>nope</html>");
        assertEquals(Kind.PROTOCOL, fail(() -> adapter.chat(ask("deepseek-chat", "x"), ctx(Map.of()))).kind());
        simulator.failNextWithBody(1, 200, "application/json", "\n\nnot json");
        assertEquals(Kind.PROTOCOL, fail(() -> adapter.chat(ask("deepseek-chat", "x"), ctx(Map.of()))).kind());
    }

    @Test
    void wrongKeyIsAuthWithDeepSeeksMessageButNotTheKey() {
        String wrong = "sk-wrongwrongwrongwrongwrong9876";
        ProviderSettings settings = new ProviderSettings("c", simulator.baseUri().toString(), wrong,
                Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
        ProviderFailure failure = fail(() -> adapter.chat(ask("deepseek-chat", "x"),
                new CallContext(settings, transport, Instant.now().plusSeconds(30), Clock.systemUTC())));
        assertEquals(Kind.AUTH, failure.kind());
        assertTrue(failure.message().contains("Authentication Fails"), failure.message());
        assertFalse(failure.message().contains(wrong));
    }

    private static ProviderFailure fail(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(ProviderException.class, call).failure();
    }

    private static ChatRequest ask(String model, String text) {
        return new ChatRequest(model, List.of(Message.of("user", text)), false, false, Sampling.none(), List.of(),
                null, null, Map.of());
    }

    private static CallContext ctx(Map<String, String> extras) {
        ProviderSettings settings = new ProviderSettings("c", simulator.baseUri().toString(), simulator.apiKey(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), extras);
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), Clock.systemUTC());
    }

    private static JsonNode json(RecordedRequest request) {
        return request.json();
    }
}
