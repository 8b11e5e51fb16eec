package io.modelbridge.provider.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import io.modelbridge.testkit.openai.OpenAiStyle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Channel extra mode=compatible: the qwen plugin speaks DashScope's OpenAI-compatible mode, over real sockets. */
class QwenCompatibleModeTest {
    private static final String KEY = "sk-dashscope-compatible-0123456789";
    private static final Map<String, String> COMPATIBLE = Map.of("mode", "compatible", "workspace", "ws-42");
    private static OpenAiSimulator dashscope;
    private static DirectTransport transport;
    private final QwenAdapter adapter = new QwenAdapter();

    @BeforeAll
    static void start() {
        dashscope = OpenAiSimulator.start(OpenAiStyle.OPENAI.withBasePath(QwenCompatibleMode.BASE_PATH), KEY,
                List.of("qwen-plus", "text-embedding-v3"));
        transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        transport.close();
        dashscope.close();
    }

    @Test
    void chatStreamAndEmbeddingsGoToTheCompatibleModeWithTheWorkspace() {
        assertEquals("echo: 你好", adapter.chat(question(false), ctx(KEY, COMPATIBLE)).choices().getFirst()
                .message().text());
        assertEquals("/compatible-mode/v1/chat/completions", dashscope.lastRequest().path());
        assertEquals("ws-42", dashscope.lastRequest().header("x-dashscope-workspace").orElseThrow());

        ChunkRecorder out = new ChunkRecorder();
        adapter.stream(question(true), ctx(KEY, COMPATIBLE), out);
        assertEquals("echo: 你好", out.text());
        assertEquals(1, out.of(ChatChunk.UsageReport.class).size(), out.chunks().toString());

        var vectors = adapter.embed(new EmbeddingRequest("text-embedding-v3", List.of("a", "b"), null, null, Map.of()),
                ctx(KEY, COMPATIBLE));
        assertEquals(2, vectors.vectors().size());
        assertEquals("/compatible-mode/v1/embeddings", dashscope.lastRequest().path());
    }

    @Test
    void errorsAreOpenAiShapedAndAChannelWithoutTheExtraStaysNative() {
        ProviderException refused = assertThrows(ProviderException.class,
                () -> adapter.chat(question(false), ctx("sk-wrong-000000000000000", COMPATIBLE)));
        assertEquals(Kind.AUTH, refused.failure().kind());
        assertThrows(ProviderException.class, () -> adapter.chat(question(false), ctx(KEY, Map.of())));
        assertEquals(QwenAdapter.GENERATION_PATH, dashscope.lastRequest().path());
    }

    private static ChatRequest question(boolean stream) {
        return new ChatRequest("qwen-plus", List.of(Message.of("user", "你好")), stream, stream, Sampling.none(),
                List.of(), null, null, Map.of());
    }

    private static CallContext ctx(String key, Map<String, String> extras) {
        ProviderSettings settings = new ProviderSettings("qwen", dashscope.baseUri().toString(), key,
                Duration.ofSeconds(2), Duration.ofSeconds(5), extras);
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), Clock.systemUTC());
    }
}
