package io.modelbridge.provider.glm;

import static io.modelbridge.provider.glm.GlmTestSupport.ask;
import static io.modelbridge.provider.glm.GlmTestSupport.ctx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.compat.UpstreamText;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.glm.GlmSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Zhipu's documented error codes, answered by the simulator over a real socket, and what the router makes of them. */
class GlmErrorMappingTest {
    private static GlmSimulator simulator;
    private static DirectTransport transport;
    private final GlmAdapter adapter = new GlmAdapter();

    @BeforeAll
    static void start() {
        simulator = GlmSimulator.start();
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

    @ParameterizedTest(name = "HTTP {0} code {1} -> {2}")
    @CsvSource({
        "500, 500,  UNAVAILABLE", "401, 1000, AUTH", "401, 1001, AUTH", "401, 1002, AUTH", "401, 1004, AUTH",
        "401, 1005, AUTH", "500, 1100, UNAVAILABLE", "403, 1110, AUTH", "401, 1111, AUTH", "429, 1112, AUTH",
        "429, 1113, QUOTA", "500, 1120, UNAVAILABLE", "429, 1121, AUTH", "500, 1200, UNAVAILABLE",
        "400, 1210, BAD_REQUEST", "400, 1211, MODEL_NOT_FOUND", "400, 1212, BAD_REQUEST", "400, 1213, BAD_REQUEST",
        "400, 1214, BAD_REQUEST", "400, 1215, BAD_REQUEST", "403, 1220, AUTH", "404, 1221, UNAVAILABLE",
        "404, 1222, UNAVAILABLE", "500, 1230, UNAVAILABLE", "400, 1231, BAD_REQUEST", "500, 1234, UNAVAILABLE",
        "400, 1261, CONTEXT_TOO_LONG", "400, 1300, CONTENT_FILTER", "400, 1301, CONTENT_FILTER",
        "429, 1302, RATE_LIMIT", "429, 1303, RATE_LIMIT", "429, 1304, QUOTA", "429, 1305, RATE_LIMIT",
        "503, 1305, UNAVAILABLE", "429, 1308, QUOTA", "429, 1309, QUOTA", "429, 1310, QUOTA",
        "403, 1311, MODEL_NOT_FOUND", "429, 1312, RATE_LIMIT", "429, 1313, RATE_LIMIT", "429, 1399, RATE_LIMIT",
        "400, 9999, BAD_REQUEST", "502, 9999, UNAVAILABLE",
    })
    void theBusinessCodeDecidesTheKind(int status, String code, Kind expected) {
        simulator.failNext(1, status, code, "vendor says no " + code);
        ProviderFailure failure = failChat();
        assertEquals(expected, failure.kind());
        assertEquals(code, failure.vendorCode());
        assertEquals(status, failure.upstreamStatus());
        assertTrue(failure.message().contains("vendor says no " + code), failure.message());
    }

    @Test
    void contentFilterAndBadRequestKeepZhipusWordsAndDoNotFailOver() {
        simulator.failNextContentFilter(1);
        ProviderFailure filtered = failChat();
        assertEquals(Kind.CONTENT_FILTER, filtered.kind());
        assertFalse(filtered.kind().failover());
        assertTrue(filtered.message().contains("敏感内容"), filtered.message());
        simulator.failNext(1, 400, "1214", "temperature 参数非法。请检查文档");
        assertEquals("temperature 参数非法。请检查文档", failChat().message());
    }

    @Test
    void arrearsIsQuotaNotARateLimitEvenThoughItComesAsA429() {
        simulator.failNextInArrears(1);
        ProviderFailure failure = failChat();
        assertEquals(Kind.QUOTA, failure.kind());
        assertNull(failure.retryAfter());
    }

    @Test
    void rateLimitsCarryNoRetryAfterUnlessAProxyAddsOne() {
        simulator.failNextRateLimited(1);
        ProviderFailure plain = failChat();
        assertEquals(Kind.RATE_LIMIT, plain.kind());
        assertNull(plain.retryAfter());
        simulator.failNextWithRetryAfter(1, 429, "1302", "slow down", Duration.ofSeconds(9));
        assertEquals(Duration.ofSeconds(9), failChat().retryAfter());
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertEquals(Duration.ofSeconds(90), UpstreamText.parseRetryAfter("Thu, 01 Jan 2026 00:01:30 GMT", clock));
        assertNull(UpstreamText.parseRetryAfter("later", clock));
    }

    @Test
    void bodiesThatAreNotGlmErrorsAreClassifiedByStatusOrAsProtocol() {
        simulator.failNextWithBody(1, 502, "text/html", "<html><body>502 Bad Gateway</body></html>");
        assertEquals(Kind.UNAVAILABLE, failChat().kind());
        simulator.failNextWithBody(1, 429, "text/plain", "Too Many Requests");
        assertEquals(Kind.RATE_LIMIT, failChat().kind());
        simulator.failNextWithBody(1, 400, "text/html", "<html>nope</html>");
        assertEquals(Kind.PROTOCOL, failChat().kind());
        simulator.failNextWithBody(1, 200, "application/json", "this is not json");
        assertEquals(Kind.PROTOCOL, failChat().kind());
    }

    @Test
    void messagesNeverCarryTheKeyItsSecretOrAToken() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJhcGlfa2V5IjoiYSJ9.c2lnbmF0dXJl";
        simulator.failNext(1, 400, "1214", "bad key " + simulator.apiKey() + " secret " + GlmSimulator.DEFAULT_SECRET
                + " token " + jwt);
        String message = failChat().message();
        assertFalse(message.contains(GlmSimulator.DEFAULT_SECRET), message);
        assertFalse(message.contains(GlmSimulator.DEFAULT_KEY_ID), message);
        assertFalse(message.contains(jwt), message);
    }

    @Test
    void anErrorEventMidStreamIsClassifiedByItsCodeAfterThePartialText() {
        simulator.errorEventAfter(2);
        ChunkRecorder recorder = new ChunkRecorder();
        ProviderException e = assertThrows(ProviderException.class,
                () -> adapter.stream(ask("one two three four").withModel("glm-4-plus"), ctx(simulator, transport), recorder));
        assertEquals(Kind.UNAVAILABLE, e.failure().kind());
        assertEquals("1234", e.failure().vendorCode());
        assertEquals("echo: one", recorder.text());
        assertEquals(List.of(), recorder.of(ChatChunk.Finish.class));
    }

    @Test
    void networkErrorFinishIsAnUpstreamFailureAndSensitiveIsContentFilter() {
        simulator.finishWith("network_error");
        assertEquals(Kind.UNAVAILABLE, failChat().kind());
        ChunkRecorder recorder = new ChunkRecorder();
        assertThrows(ProviderException.class, () -> adapter.stream(ask("a b"), ctx(simulator, transport), recorder));
        assertEquals("echo: a b", recorder.text());
        simulator.finishWith("sensitive");
        assertEquals(io.modelbridge.spi.FinishReason.CONTENT_FILTER,
                adapter.chat(ask("a b"), ctx(simulator, transport)).choices().getFirst().finishReason());
    }

    @Test
    void anUnknownModelIsModelNotFoundAndAnEmbeddingModelOnChatIsABadRequest() {
        assertEquals(Kind.MODEL_NOT_FOUND, fail(() -> adapter.chat(ask("hi").withModel("glm-9-ultra"),
                ctx(simulator, transport))).kind());
        ProviderFailure wrongKind = fail(() -> adapter.chat(ask("hi").withModel("embedding-3"), ctx(simulator, transport)));
        assertEquals(Kind.BAD_REQUEST, wrongKind.kind());
        assertEquals("1212", wrongKind.vendorCode());
    }

    private ProviderFailure failChat() {
        return fail(() -> adapter.chat(ask("hi"), ctx(simulator, transport)));
    }

    private static ProviderFailure fail(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(ProviderException.class, call).failure();
    }
}
