package io.modelbridge.provider.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolDefinition;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.qwen.QwenSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DashScope specifics over a real socket: the native request, its error codes, thinking, content filter, embeddings. */
class QwenAdapterTest {
    private static final String GENERATION = "/api/v1/services/aigc/text-generation/generation";
    private static QwenSimulator simulator;
    private static DirectTransport transport;
    private final QwenAdapter adapter = new QwenAdapter();

    @BeforeAll
    static void start() {
        simulator = QwenSimulator.start();
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
    void aStreamIsANativeRequestWithTheSseHeaderAndIncrementalOutput() {
        Sampling sampling = new Sampling(2.0, 0.0, 256, List.of("Observation:"), 0.5, 0.0, null, 1234L);
        ChatRequest request = new ChatRequest("qwen-plus", List.of(Message.of("developer", "terse"),
                Message.of("user", "你好 there")), true, false, sampling, List.of(), null, "user-9",
                Map.of("enable_search", true, "top_k", 50, "store", true));
        ChunkRecorder stream = new ChunkRecorder();
        adapter.stream(request, ctx(Map.of("workspace", "ws-1")), stream);
        assertEquals("echo: 你好 there", stream.text());
        RecordedRequest sent = simulator.lastRequest();
        assertEquals(GENERATION, sent.path());
        assertEquals(Optional.of("Bearer " + simulator.apiKey()), sent.header("authorization"));
        assertEquals(Optional.of("enable"), sent.header("X-DashScope-SSE"));
        assertEquals(Optional.of("ws-1"), sent.header("X-DashScope-WorkSpace"));
        JsonNode body = sent.json();
        assertEquals("system", body.at("/input/messages/0/role").asText());
        assertEquals("你好 there", body.at("/input/messages/1/content").asText());
        JsonNode p = body.get("parameters");
        assertEquals("message", p.get("result_format").asText());
        assertTrue(p.get("incremental_output").asBoolean());
        assertEquals(1.99, p.get("temperature").asDouble(), "OpenAI's 2.0 clamped into DashScope's [0, 2)");
        assertEquals(0.001, p.get("top_p").asDouble(), "OpenAI's 0 clamped into DashScope's (0, 1]");
        assertEquals(256, p.get("max_tokens").asInt());
        assertEquals("Observation:", p.at("/stop/0").asText());
        assertEquals(1234, p.get("seed").asLong());
        assertEquals(0.5, p.get("presence_penalty").asDouble());
        assertTrue(p.get("enable_search").asBoolean());
        assertEquals(50, p.get("top_k").asInt());
        for (String absent : List.of("frequency_penalty", "user", "store", "n")) {
            assertFalse(p.has(absent) || body.has(absent), absent);
        }
    }

    @Test
    void baseUrlGetsTheDocumentedPathAppendedOnceAndAPlainCallHasNoSseHeader() {
        ProviderSettings withApi = new ProviderSettings("c", simulator.baseUri() + "/api/v1/", simulator.apiKey(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
        var response = adapter.chat(ask("hi"), new CallContext(withApi, transport, Instant.now().plusSeconds(30),
                Clock.systemUTC()));
        assertEquals(GENERATION, simulator.lastRequest().path());
        assertEquals(Optional.empty(), simulator.lastRequest().header("X-DashScope-SSE"));
        assertFalse(simulator.lastRequest().json().path("parameters").has("incremental_output"));
        assertTrue(response.upstreamId() != null && !response.upstreamId().isBlank(), "request_id kept");
    }

    @Test
    void toolResultsCarryTheCallIdAndTheFunctionName() {
        Message call = new Message("assistant", List.of(), null,
                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null, null);
        Message result = new Message("tool", List.of(new ContentPart.Text("18C")), null, List.of(), "call_1", null);
        ToolDefinition tool = new ToolDefinition("get_weather", "weather", Map.of("type", "object"), null);
        ChatRequest request = new ChatRequest("qwen-plus", List.of(Message.of("user", "weather?"), call, result),
                false, false, Sampling.none(), List.of(tool), null, null, Map.of());
        assertEquals("echo: weather?", adapter.chat(request, ctx(Map.of())).choices().getFirst().message().text());
        JsonNode messages = simulator.lastRequest().json().at("/input/messages");
        assertEquals("", messages.at("/1/content").asText());
        assertEquals("call_1", messages.at("/1/tool_calls/0/id").asText());
        assertEquals("call_1", messages.at("/2/tool_call_id").asText());
        assertEquals("get_weather", messages.at("/2/name").asText());
    }

    @Test
    void whatDashScopeCannotDoIsRefusedBeforeAnyCall() {
        int before = simulator.requests().size();
        Sampling frequency = new Sampling(null, null, null, List.of(), null, 0.7, null, null);
        assertTrue(fail(() -> adapter.chat(with(frequency, Map.of()), ctx(Map.of()))).message()
                .contains("frequency_penalty"));
        Sampling fiveChoices = new Sampling(null, null, null, List.of(), null, null, 5, null);
        assertTrue(fail(() -> adapter.chat(with(fiveChoices, Map.of()), ctx(Map.of()))).message().contains("n=5"));
        assertTrue(fail(() -> adapter.chat(with(Sampling.none(), Map.of("logit_bias", Map.of("1", 5))),
                ctx(Map.of()))).message().contains("logit_bias"));
        Message image = new Message("user", List.of(new ContentPart.ImageUrl("https://x/y.png", null)), null,
                List.of(), null, null);
        ChatRequest withImage = new ChatRequest("qwen-plus", List.of(image), false, false, Sampling.none(), List.of(),
                null, null, Map.of());
        assertTrue(fail(() -> adapter.chat(withImage, ctx(Map.of()))).message().contains("image_url"));
        assertEquals(before, simulator.requests().size(), "nothing reached DashScope");
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource({
        "400, InvalidParameter, Required parameter(s) missing or invalid, BAD_REQUEST",
        "400, InvalidParameter, Model not exist., MODEL_NOT_FOUND",
        "400, InvalidParameter, 'Range of input length should be [1, 30720]', CONTEXT_TOO_LONG",
        "400, DataInspectionFailed, Input data may contain inappropriate content., CONTENT_FILTER",
        "400, Arrearage, 'Access denied, plesase make sure your account is in good standing.', QUOTA",
        "401, InvalidApiKey, Invalid API-key provided., AUTH",
        "403, AccessDenied.Unpurchased, Access to model denied., AUTH",
        "429, Throttling, Requests throttling triggered., RATE_LIMIT",
        "429, Throttling.RateQuota, 'Requests rate limit exceeded, please try again later.', RATE_LIMIT",
        "429, Throttling.AllocationQuota, 'Allocated quota exceeded, please increase your quota limit.', RATE_LIMIT",
        "429, Throttling.AllocationQuota, Free allocated quota exceeded., QUOTA",
        "500, InternalError, An internal error has occured, UNAVAILABLE",
        "500, InternalError.Algo, algorithm failed, UNAVAILABLE",
        "408, RequestTimeOut, Request timed out, TIMEOUT",
    })
    void errorCodesAreClassifiedInBothModes(int status, String code, String message, Kind kind) {
        simulator.failNext(1, status, code, message);
        ProviderFailure json = fail(() -> adapter.chat(ask("hi"), ctx(Map.of())));
        assertEquals(kind, json.kind());
        assertEquals(code, json.vendorCode());
        assertEquals(status, json.upstreamStatus());
        assertTrue(json.message().contains(message), json.message());
        simulator.failNext(1, status, code, message);
        ChunkRecorder nothing = new ChunkRecorder();
        ProviderFailure sse = fail(() -> adapter.stream(ask("hi"), ctx(Map.of()), nothing));
        assertEquals(kind, sse.kind(), "the SSE form of the error body is read the same way");
        assertEquals(List.of(), nothing.chunks());
    }

    @Test
    void outputFlaggedAfterTextEndsWithContentFilterAndBeforeTextFails() {
        simulator.contentFilterAfter(2);
        ChunkRecorder stream = new ChunkRecorder();
        adapter.stream(ask("a b c d e"), ctx(Map.of()), stream);
        assertEquals("echo: a", stream.text());
        assertEquals(List.of(new ChatChunk.Finish(0, FinishReason.CONTENT_FILTER)), stream.of(ChatChunk.Finish.class));
        assertEquals(1, stream.of(ChatChunk.UsageReport.class).size());
        simulator.contentFilterAfter(0);
        assertEquals(Kind.CONTENT_FILTER, fail(() -> adapter.stream(ask("x"), ctx(Map.of()), new ChunkRecorder())).kind());
    }

    @Test
    void thinkingStreamsReasoningBeforeTheAnswer() {
        ChatRequest thinking = with(Sampling.none(), Map.of("enable_thinking", true));
        ChunkRecorder stream = new ChunkRecorder();
        adapter.stream(thinking, ctx(Map.of()), stream);
        assertInstanceOf(ChatChunk.ReasoningDelta.class, stream.chunks().getFirst());
        assertEquals("Thinking about: hi", String.join("", stream.of(ChatChunk.ReasoningDelta.class).stream()
                .map(ChatChunk.ReasoningDelta::text).toList()));
        assertEquals("echo: hi", stream.text());
        assertEquals(Kind.BAD_REQUEST, fail(() -> adapter.chat(thinking, ctx(Map.of()))).kind(),
                "DashScope refuses thinking without a stream; its message reaches the client");
    }

    @Test
    void batchTokenCountsSummingPast2To32AreAProtocolFailureNotAWrappedSmallBill() {
        simulator.embeddingTokensPerBatch(100_000_000); // 43 batches of 25 texts: 4.3e9 tokens, 5,032,704 in an int
        List<String> texts = java.util.Collections.nCopies(43 * 25, "t");
        ProviderException e = assertThrows(ProviderException.class, () -> adapter.embed(
                new EmbeddingRequest("text-embedding-v2", texts, null, null, Map.of()), ctx(Map.of())));
        assertEquals(Kind.PROTOCOL, e.failure().kind(), e.getMessage());
    }

    @Test
    void embeddingsAreBatchedByTheModelsLimitAndKeepInputOrder() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            texts.add("text number " + i);
        }
        int before = simulator.requests().size();
        EmbeddingResponse response = adapter.embed(new EmbeddingRequest("text-embedding-v3", texts, 512, null,
                Map.of("text_type", "query")), ctx(Map.of()));
        assertEquals(2, simulator.requests().size() - before, "v3 takes 10 texts per request");
        assertEquals(12, response.vectors().size());
        assertArrayEquals(QwenSimulator.embeddingOf("text number 11", 512), response.vectors().get(11));
        assertEquals(36, response.usage().promptTokens());
        JsonNode sent = simulator.lastRequest().json();
        assertEquals("/api/v1/services/embeddings/text-embedding/text-embedding", simulator.lastRequest().path());
        assertEquals("query", sent.at("/parameters/text_type").asText());
        assertEquals(512, sent.at("/parameters/dimension").asInt());
        EmbeddingResponse v2 = adapter.embed(new EmbeddingRequest("text-embedding-v2", texts, null, null, Map.of()),
                ctx(Map.of()));
        assertEquals(1536, v2.vectors().getFirst().length);
        assertTrue(fail(() -> adapter.embed(new EmbeddingRequest("text-embedding-v2", texts, 512, null, Map.of()),
                ctx(Map.of()))).message().contains("1536"));
    }

    @Test
    void wrongKeyIsAuthAndTheKeyIsNotEchoed() {
        String wrong = "sk-notthekey0000000000000000000000";
        ProviderSettings settings = new ProviderSettings("c", simulator.baseUri().toString(), wrong,
                Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
        ProviderFailure failure = fail(() -> adapter.chat(ask("x"),
                new CallContext(settings, transport, Instant.now().plusSeconds(30), Clock.systemUTC())));
        assertEquals(Kind.AUTH, failure.kind());
        assertEquals("InvalidApiKey", failure.vendorCode());
        assertFalse(failure.message().contains(wrong));
    }

    private static ProviderFailure fail(Executable call) {
        return assertThrows(ProviderException.class, call).failure();
    }

    private static ChatRequest ask(String text) {
        return new ChatRequest("qwen-plus", List.of(Message.of("user", text)), false, false, Sampling.none(),
                List.of(), null, null, Map.of());
    }

    private static ChatRequest with(Sampling sampling, Map<String, Object> extras) {
        return new ChatRequest("qwen-plus", List.of(Message.of("user", "hi")), false, false, sampling, List.of(),
                null, null, extras);
    }

    private static CallContext ctx(Map<String, String> extras) {
        ProviderSettings settings = new ProviderSettings("c", simulator.baseUri().toString(), simulator.apiKey(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), extras);
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), Clock.systemUTC());
    }
}
