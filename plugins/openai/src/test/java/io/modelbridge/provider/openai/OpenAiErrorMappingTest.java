package io.modelbridge.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.compat.UpstreamText;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Section 1.6's error table, answered by the simulator over a real socket, and the request the adapter sends. */
class OpenAiErrorMappingTest {
    private static OpenAiSimulator simulator;
    private static DirectTransport transport;
    private final OpenAiAdapter adapter = new OpenAiAdapter();

    @BeforeAll
    static void start() {
        simulator = OpenAiSimulator.start();
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

    @ParameterizedTest(name = "{0} {1}/{2} -> {3}")
    @CsvSource(nullValues = "null", value = {
        "400, invalid_request_error, invalid_value,           BAD_REQUEST",
        "400, invalid_request_error, context_length_exceeded, CONTEXT_TOO_LONG",
        "400, invalid_request_error, content_filter,          CONTENT_FILTER",
        "400, invalid_request_error, content_policy_violation, CONTENT_FILTER",
        "401, invalid_request_error, invalid_api_key,         AUTH",
        "401, invalid_request_error, null,                    AUTH",
        "403, request_forbidden,     unsupported_country_region_territory, AUTH",
        "404, invalid_request_error, model_not_found,         MODEL_NOT_FOUND",
        "422, invalid_request_error, null,                    BAD_REQUEST",
        "429, requests,              rate_limit_exceeded,     RATE_LIMIT",
        "429, tokens,                rate_limit_exceeded,     RATE_LIMIT",
        "429, insufficient_quota,    insufficient_quota,      QUOTA",
        "402, invalid_request_error, null,                    QUOTA",
        "500, server_error,          null,                    UNAVAILABLE",
        "503, server_error,          null,                    UNAVAILABLE",
    })
    void statusAndErrorBodyDecideTheKind(int status, String type, String code, Kind expected) {
        simulator.failNext(1, status, type, code, "vendor says no");
        ProviderFailure failure = fail(ctx(Map.of()));
        assertEquals(expected, failure.kind());
        assertEquals(status, failure.upstreamStatus());
        assertEquals(code, failure.vendorCode());
        assertTrue(failure.message().contains("vendor says no"), failure.message());
    }

    @Test
    void bodiesThatAreNotOpenAiErrorsAreClassifiedByStatusOrAsProtocol() {
        simulator.failNextWithBody(1, 502, "text/html", "<html><body>502 Bad Gateway</body></html>");
        assertEquals(Kind.UNAVAILABLE, fail(ctx(Map.of())).kind());
        simulator.failNextWithBody(1, 400, "text/html", "<html>nope</html>");
        assertEquals(Kind.PROTOCOL, fail(ctx(Map.of())).kind());
        simulator.failNextWithBody(1, 200, "application/json", "this is not json");
        assertEquals(Kind.PROTOCOL, fail(ctx(Map.of())).kind());
    }

    @Test
    void retryAfterIsReadAsSecondsOrHttpDate() {
        simulator.failNextRateLimited(1, Duration.ofSeconds(3));
        assertEquals(Duration.ofSeconds(3), fail(ctx(Map.of())).retryAfter());
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertEquals(Duration.ofSeconds(90), UpstreamText.parseRetryAfter("Wed, 01 Jan 2025 00:01:30 GMT", clock));
        assertEquals(Duration.ofMillis(1500), UpstreamText.parseRetryAfter("1.5", clock));
        assertNull(UpstreamText.parseRetryAfter("soon", clock));
    }

    @Test
    void messagesNeverCarryTheCredentialOrKeyLookalikes() {
        simulator.failNext(1, 400, "invalid_request_error", null,
                "bad: " + simulator.apiKey() + " and sk-proj-abcdefghijklmnop");
        ProviderFailure failure = fail(ctx(Map.of()));
        assertFalse(failure.message().contains(simulator.apiKey()), failure.message());
        assertFalse(failure.message().contains("abcdefghijklmnop"), failure.message());
    }

    @Test
    void requestCarriesBearerKeyOptionalOrgHeadersAndAvoidsADoubledV1() {
        CallContext ctx = new CallContext(new ProviderSettings("c", simulator.baseUri() + "/v1/", simulator.apiKey(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of("organization", "org-1", "project", "proj_2")),
                transport, Instant.now().plusSeconds(30), Clock.systemUTC());
        adapter.chat(request(), ctx);
        RecordedRequest sent = simulator.lastRequest();
        assertEquals("/v1/chat/completions", sent.path());
        assertEquals(Optional.of("Bearer " + simulator.apiKey()), sent.header("authorization"));
        assertEquals(Optional.of("org-1"), sent.header("OpenAI-Organization"));
        assertEquals(Optional.of("proj_2"), sent.header("OpenAI-Project"));
        assertEquals("application/json", sent.header("content-type").orElseThrow());
    }

    private ProviderFailure fail(CallContext ctx) {
        return assertThrows(ProviderException.class, () -> adapter.chat(request(), ctx)).failure();
    }

    private static CallContext ctx(Map<String, String> extras) {
        ProviderSettings settings = new ProviderSettings("c", simulator.baseUri().toString(), simulator.apiKey(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), extras);
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), Clock.systemUTC());
    }

    private static ChatRequest request() {
        return new ChatRequest("gpt-4o", List.of(Message.of("user", "hi")), false, false, Sampling.none(), List.of(),
                null, null, Map.of());
    }
}
