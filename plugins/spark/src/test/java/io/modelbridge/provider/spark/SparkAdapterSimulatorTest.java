package io.modelbridge.provider.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.spark.SparkSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spark-specific behaviour over real WebSockets against the simulator, beyond the shared contract. */
class SparkAdapterSimulatorTest {
    private static SparkSimulator simulator;
    private static DirectTransport transport;
    private final SparkAdapter adapter = new SparkAdapter();

    @BeforeAll
    static void start() {
        simulator = SparkSimulator.start();
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
    void everyModelReachesItsOwnPathWithItsDomain() {
        for (SparkModel model : SparkModel.ALL) {
            ChatResponse response = adapter.chat(ask(model.name(), "which path"), context(simulator.credential()));
            assertEquals("echo: which path", response.choices().getFirst().message().text(), model.name());
            assertEquals(model.path(), simulator.lastRequest().path());
            assertEquals(model.domain(), simulator.lastRequest().json().path("parameter").path("chat").path("domain").asText());
            assertTrue(response.upstreamId().startsWith("cht000"), "the sid is the upstream id");
        }
    }

    @Test
    void aSigningClockMoreThan300sOffIsRefusedAtTheHandshake() {
        Clock late = Clock.fixed(Instant.now().minusSeconds(400), java.time.ZoneOffset.UTC);
        int before = simulator.requests().size();
        ProviderException e = assertThrows(ProviderException.class,
                () -> adapter.chat(ask("spark-max", "hi"), context(simulator.credential(), late)));
        assertEquals(Kind.AUTH, e.failure().kind());
        assertEquals(403, e.failure().upstreamStatus());
        assertTrue(simulator.refusedHandshakes().getLast().startsWith("403 HMAC signature cannot be verified, a valid date"));
        assertEquals(before, simulator.requests().size(), "no frame reached Spark");
        Clock slightlyLate = Clock.fixed(Instant.now().minusSeconds(200), java.time.ZoneOffset.UTC);
        assertEquals("echo: hi", adapter.chat(ask("spark-max", "hi"), context(simulator.credential(), slightlyLate))
                .choices().getFirst().message().text(), "within 300 s is fine");
    }

    @Test
    void aWrongSecretFailsTheSignatureAndAWrongAppIdIsRefusedInAFrame() {
        ProviderException signature = assertThrows(ProviderException.class, () -> adapter.chat(ask("spark-max", "hi"),
                context(SparkSimulator.DEFAULT_APP_ID + "|bad-secret|" + SparkSimulator.DEFAULT_API_KEY)));
        assertEquals(401, signature.failure().upstreamStatus());
        assertEquals("401 HMAC signature does not match", simulator.refusedHandshakes().getLast());
        ProviderException unknownKey = assertThrows(ProviderException.class, () -> adapter.chat(ask("spark-max", "hi"),
                context(SparkSimulator.DEFAULT_APP_ID + "|" + SparkSimulator.DEFAULT_API_SECRET + "|other-key")));
        assertEquals(Kind.AUTH, unknownKey.failure().kind());
        assertEquals("401 HMAC signature cannot be verified", simulator.refusedHandshakes().getLast());
        ProviderException appId = assertThrows(ProviderException.class, () -> adapter.chat(ask("spark-max", "hi"),
                context("otherapp|" + SparkSimulator.DEFAULT_API_SECRET + "|" + SparkSimulator.DEFAULT_API_KEY)));
        assertEquals(Kind.AUTH, appId.failure().kind());
        assertEquals("11200", appId.failure().vendorCode());
    }

    @Test
    void contentAuditOfTheInputIsAContentFilter() {
        simulator.failNextContentFilter(1);
        ProviderException e = assertThrows(ProviderException.class,
                () -> adapter.chat(ask("spark-max", "hi"), context(simulator.credential())));
        assertEquals(Kind.CONTENT_FILTER, e.failure().kind());
        assertEquals("10013", e.failure().vendorCode());
    }

    @Test
    void outputWithheldMidStreamEndsAsContentFilterAfterTheTextSent() {
        simulator.errorFrameAfter(2, 10014, "输出内容涉及敏感信息，审核不通过，后续结果无法展示给用户");
        ChunkRecorder out = new ChunkRecorder();
        adapter.stream(ask("spark-max", "one two three four"), context(simulator.credential()), out);
        assertEquals("echo: one ", out.text());
        assertEquals(List.of(new ChatChunk.Finish(0, FinishReason.CONTENT_FILTER)), out.of(ChatChunk.Finish.class));
    }

    @Test
    void requestFieldsArriveInSparksRanges() {
        ChatRequest request = new ChatRequest("spark-lite", List.of(Message.of("system", "Be brief."),
                Message.of("user", "hi")), true, true, new Sampling(1.8, null, 9000, List.of(), null, null, null, null),
                List.of(), null, "end-user-7", Map.of("top_k", 3));
        adapter.stream(request, context(simulator.credential()), new ChunkRecorder());
        JsonNode sent = simulator.lastRequest().json();
        assertEquals("end-user-7", sent.path("header").path("uid").asText());
        JsonNode chat = sent.path("parameter").path("chat");
        assertEquals(1.0, chat.path("temperature").asDouble());
        assertEquals(4096, chat.path("max_tokens").asInt(), "Lite's maximum");
        assertEquals(3, chat.path("top_k").asInt());
        assertEquals("user", sent.path("payload").path("message").path("text").get(0).path("role").asText(),
                "Lite has no system role");
    }

    @Test
    void aToolCallThenItsResultGetsTheAnswer() {
        var weather = new io.modelbridge.spi.ToolDefinition("get_weather", "Current weather", Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city")), null);
        ChatRequest first = new ChatRequest("spark-4.0-ultra", List.of(Message.of("user", "Paris")), false, false,
                Sampling.none(), List.of(weather), null, null, Map.of());
        ChatResponse called = adapter.chat(first, context(simulator.credential()));
        ToolCall call = called.choices().getFirst().message().toolCalls().getFirst();
        assertEquals("{\"city\":\"Paris\"}", call.arguments());
        assertEquals(FinishReason.TOOL_CALLS, called.choices().getFirst().finishReason());
        Message result = new Message("tool", List.of(new ContentPart.Text("18C")), null, List.of(), call.id(), null);
        ChatRequest second = new ChatRequest("spark-4.0-ultra", List.of(Message.of("user", "Paris"),
                called.choices().getFirst().message(), result), false, false, Sampling.none(), List.of(weather), null,
                null, Map.of());
        ChatResponse answer = adapter.chat(second, context(simulator.credential()));
        assertEquals("echo: [function result] get_weather: 18C", answer.choices().getFirst().message().text());
        assertEquals(FinishReason.STOP, answer.choices().getFirst().finishReason());
    }

    private static ChatRequest ask(String model, String text) {
        return SparkTestSupport.ask(model, text);
    }

    private static CallContext context(String credential) {
        return context(credential, Clock.systemUTC());
    }

    private static CallContext context(String credential, Clock clock) {
        ProviderSettings settings = new ProviderSettings("sim", simulator.baseUri().toString(), credential,
                Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), clock);
    }
}
