package io.modelbridge.provider.ernie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.ernie.ErnieSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ERNIE's error_code table, answered by the simulator over a real socket with HTTP 200 as ERNIE does. */
class ErnieErrorMappingTest {
    private static ErnieSimulator simulator;
    private static DirectTransport transport;
    private final ErnieAdapter adapter = new ErnieAdapter();

    @BeforeAll
    static void start() {
        simulator = ErnieSimulator.start();
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

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1,      UNAVAILABLE",
        "2,      UNAVAILABLE",
        "3,      MODEL_NOT_FOUND",
        "4,      RATE_LIMIT",
        "6,      AUTH",
        "13,     AUTH",
        "14,     AUTH",
        "15,     AUTH",
        "17,     QUOTA",
        "18,     RATE_LIMIT",
        "19,     QUOTA",
        "100,    AUTH",
        "336000, UNAVAILABLE",
        "336001, BAD_REQUEST",
        "336002, BAD_REQUEST",
        "336003, BAD_REQUEST",
        "336004, AUTH",
        "336005, MODEL_NOT_FOUND",
        "336100, UNAVAILABLE",
        "336101, BAD_REQUEST",
        "336104, BAD_REQUEST",
        "336105, BAD_REQUEST",
        "336501, RATE_LIMIT",
        "336502, RATE_LIMIT",
        "999999, UNAVAILABLE",
    })
    void everyDocumentedErrorCodeHasItsKind(int code, Kind expected) {
        for (boolean stream : new boolean[] {false, true}) {
            simulator.failNext(1, code, "vendor says no " + code);
            ProviderFailure failure = fail(stream);
            assertEquals(expected, failure.kind(), "stream=" + stream);
            assertEquals(String.valueOf(code), failure.vendorCode());
            assertEquals(200, failure.upstreamStatus(), "ERNIE sends its errors with HTTP 200");
            assertTrue(failure.message().contains("vendor says no " + code), failure.message());
        }
    }

    @Test
    void anOverLongPromptIsContextTooLongButOtherParameterErrorsAreBadRequests() {
        simulator.failNext(1, 336003, "the max input characters is 20000");
        assertEquals(Kind.CONTEXT_TOO_LONG, fail(false).kind());
        simulator.failNext(1, 336003, "the length of messages must be an odd number");
        assertEquals(Kind.BAD_REQUEST, fail(false).kind());
        simulator.failNext(1, 336003, "max_output_tokens exceeds the limit 2048");
        assertEquals(Kind.BAD_REQUEST, fail(false).kind());
    }

    @Test
    void theSafetySystemsRefusalIsContentFilterBeforeAnyTextWasRelayed() {
        simulator.flagNext(1);
        ProviderFailure plain = fail(false);
        assertEquals(Kind.CONTENT_FILTER, plain.kind());
        assertFalse(plain.kind().failover());
        simulator.flagNext(1);
        ChunkRecorder recorder = new ChunkRecorder();
        ProviderException streamed = assertThrows(ProviderException.class,
                () -> adapter.stream(ErnieTokenTest.ask("flag me"), ctx(), recorder));
        assertEquals(Kind.CONTENT_FILTER, streamed.failure().kind());
        assertEquals(List.of(), recorder.chunks());
    }

    @Test
    void aQpsLimitCarriesNoRetryAfterUnlessAProxySendsOne() {
        simulator.failNextRateLimited(1);
        ProviderFailure failure = fail(false);
        assertEquals(Kind.RATE_LIMIT, failure.kind());
        assertNull(failure.retryAfter());
        assertEquals(Duration.ofSeconds(3), ErnieErrors.retryAfter(java.util.Optional.of("3")));
    }

    @Test
    void bodiesThatAreNotErniesAreClassifiedByStatusOrAsProtocol() {
        simulator.failNextWithBody(1, 502, "text/html", "<html><body>502 Bad Gateway</body></html>");
        assertEquals(Kind.UNAVAILABLE, fail(false).kind());
        simulator.failNextWithBody(1, 429, "text/plain", "slow down");
        assertEquals(Kind.RATE_LIMIT, fail(false).kind());
        simulator.failNextWithBody(1, 200, "application/json", "this is not json");
        assertEquals(Kind.PROTOCOL, fail(false).kind());
        simulator.failNextWithBody(1, 200, "text/event-stream", "data: {not json}\n\n");
        assertEquals(Kind.PROTOCOL, fail(true).kind());
    }

    @Test
    void messagesNeverCarryTheCredentialOrAnAccessToken() {
        simulator.failNext(1, 336003, "bad " + simulator.secretKey() + " and access_token=24.abcdef0123456789.x"
                + " for " + simulator.apiKey());
        String message = fail(false).message();
        assertFalse(message.contains(simulator.secretKey()), message);
        assertFalse(message.contains(simulator.apiKey()), message);
        assertFalse(message.contains("abcdef0123456789"), message);
    }

    @Test
    void batchTokenCountsSummingPast2To32AreAProtocolFailureNotAWrappedSmallBill() {
        simulator.embeddingTokensPerBatch(100_000_000); // 43 batches of 16 texts: 4.3e9 tokens, 5,032,704 in an int
        List<String> texts = java.util.Collections.nCopies(43 * ErnieCodec.EMBEDDING_BATCH, "t");
        ProviderException e = assertThrows(ProviderException.class, () -> adapter.embed(
                new EmbeddingRequest("Embedding-V1", texts, null, null, Map.of()), ctx()));
        assertEquals(Kind.PROTOCOL, e.failure().kind(), e.getMessage());
    }

    @Test
    void embeddingsErrorsAndDimensionsAreClassified() {
        simulator.failNext(1, 18, "Open api qps request limit reached");
        EmbeddingRequest request = new EmbeddingRequest("Embedding-V1", List.of("a"), null, null, Map.of());
        assertEquals(Kind.RATE_LIMIT, assertThrows(ProviderException.class, () -> adapter.embed(request, ctx()))
                .failure().kind());
        EmbeddingRequest wrongSize = new EmbeddingRequest("Embedding-V1", List.of("a"), 1536, null, Map.of());
        ProviderFailure failure = assertThrows(ProviderException.class, () -> adapter.embed(wrongSize, ctx())).failure();
        assertEquals(Kind.BAD_REQUEST, failure.kind());
        assertTrue(failure.message().contains("384"), failure.message());
        assertEquals(384, adapter.embed(new EmbeddingRequest("Embedding-V1", List.of("a"), 384, null, Map.of()), ctx())
                .vectors().getFirst().length);
    }

    @Test
    void aFunctionCallStreamsAsOneToolCallDeltaThenToolCallsFinish() {
        ChunkRecorder recorder = new ChunkRecorder();
        adapter.stream(ErnieCodecTest.withWeatherTool(ErnieTokenTest.ask("Beijing")), ctx(), recorder);
        List<ChatChunk.ToolCallDelta> calls = recorder.of(ChatChunk.ToolCallDelta.class);
        assertEquals(1, calls.size());
        assertEquals("get_weather", calls.getFirst().name());
        assertEquals("{\"city\":\"Beijing\"}", calls.getFirst().argumentsFragment());
        assertEquals(List.of(new ChatChunk.Finish(0, FinishReason.TOOL_CALLS)), recorder.of(ChatChunk.Finish.class));
        assertEquals(1, recorder.of(ChatChunk.UsageReport.class).size());
    }

    private ProviderFailure fail(boolean stream) {
        return assertThrows(ProviderException.class, () -> {
            if (stream) {
                adapter.stream(ErnieTokenTest.ask("hi"), ctx(), new ChunkRecorder());
            } else {
                adapter.chat(ErnieTokenTest.ask("hi"), ctx());
            }
        }).failure();
    }

    private static CallContext ctx() {
        ProviderSettings settings = new ProviderSettings("c", simulator.baseUri().toString(), simulator.credential(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), Clock.systemUTC());
    }
}
