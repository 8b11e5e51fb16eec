package io.modelbridge.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import io.modelbridge.testkit.openai.OpenAiStyle;
import io.modelbridge.testkit.openai.OpenAiStyle.StreamUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A vendor variant written as a third party would ({@link KimiStyleAdapter}, about 40 lines) against the test kit's
 * OpenAI-style simulator configured like that vendor, over real sockets.
 */
class KimiStyleAdapterTest {
    private static final String KEY = "sk-kimi-0123456789abcdef";
    private static final OpenAiStyle KIMI = OpenAiStyle.OPENAI.withUsage(StreamUsage.IN_FINISH_CHOICE)
            .withErrors(new OpenAiStyle.Errors(new OpenAiStyle.Error(401, "invalid_authentication_error", null),
                    new OpenAiStyle.Error(404, "resource_not_found_error", null),
                    new OpenAiStyle.Error(429, "rate_limit_reached_error", null),
                    new OpenAiStyle.Error(429, "exceeded_current_quota_error", null),
                    new OpenAiStyle.Error(400, "invalid_request_error", null),
                    new OpenAiStyle.Error(400, "invalid_request_error", null)));
    private static OpenAiSimulator kimi;
    private static DirectTransport transport;

    @BeforeAll
    static void start() {
        kimi = OpenAiSimulator.start(KIMI, KEY, List.of("moonshot-v1-8k"));
        transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        transport.close();
        kimi.close();
    }

    @Test
    void chatsAndStreamsWithUsageFromInsideTheFinishingChoice() {
        KimiStyleAdapter adapter = new KimiStyleAdapter();
        assertEquals("echo: hello kimi", adapter.chat(question(false), ctx(KEY)).choices().getFirst().message().text());
        assertEquals("modelbridge", kimi.lastRequest().header("x-client").orElseThrow());
        ChunkRecorder out = new ChunkRecorder();
        adapter.stream(question(true), ctx(KEY), out);
        assertEquals("echo: hello kimi", out.text());
        List<ChatChunk.UsageReport> usage = out.of(ChatChunk.UsageReport.class);
        assertEquals(1, usage.size(), out.chunks().toString());
        assertEquals(2, usage.getFirst().usage().promptTokens());
    }

    @Test
    void theVendorsErrorTypesMapThroughItsHook() {
        kimi.failNextQuotaExceeded(1);
        ProviderException quota = assertThrows(ProviderException.class,
                () -> new KimiStyleAdapter().chat(question(false), ctx(KEY)));
        assertEquals(Kind.QUOTA, quota.failure().kind());
        ProviderException auth = assertThrows(ProviderException.class,
                () -> new KimiStyleAdapter().chat(question(false), ctx("sk-wrong-0000000000000000")));
        assertEquals(Kind.AUTH, auth.failure().kind());
    }

    private static ChatRequest question(boolean stream) {
        return new ChatRequest("moonshot-v1-8k", List.of(Message.of("user", "hello kimi")), stream, stream,
                Sampling.none(), List.of(), null, null, Map.of());
    }

    private static CallContext ctx(String key) {
        ProviderSettings settings = new ProviderSettings("kimi", kimi.baseUri().toString(), key, Duration.ofSeconds(2),
                Duration.ofSeconds(5), Map.of());
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), Clock.systemUTC());
    }
}
