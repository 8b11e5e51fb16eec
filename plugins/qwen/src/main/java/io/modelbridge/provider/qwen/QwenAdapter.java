package io.modelbridge.provider.qwen;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.ProviderSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.pf4j.Extension;

/**
 * Alibaba Qwen on DashScope's native protocol: text generation at
 * {@code /api/v1/services/aigc/text-generation/generation} (SSE with {@code X-DashScope-SSE: enable}) and text
 * embeddings at {@code /api/v1/services/embeddings/text-embedding/text-embedding}, bearer key. The default base is
 * the China (Beijing) endpoint; keys are bound to their region, so international keys need the channel's base URL
 * set to {@code https://dashscope-intl.aliyuncs.com}. Channel extra {@code workspace} becomes
 * {@code X-DashScope-WorkSpace}; channel extra {@code mode=compatible} sends the channel's calls to DashScope's
 * OpenAI-compatible mode instead ({@link QwenCompatibleMode}), which alone offers the {@link ChatPassthrough}.
 */
@Extension
public final class QwenAdapter implements ProviderAdapter, ChatPassthrough {
    static final String DEFAULT_BASE_URL = "https://dashscope.aliyuncs.com";
    static final String GENERATION_PATH = "/api/v1/services/aigc/text-generation/generation";
    static final String EMBEDDING_PATH = "/api/v1/services/embeddings/text-embedding/text-embedding";
    static final ProviderInfo INFO = new ProviderInfo("qwen", "Alibaba Qwen (DashScope)",
            "DashScope API key, sent as Authorization: Bearer sk-...", DEFAULT_BASE_URL,
            List.of("qwen-turbo", "qwen-plus", "qwen-max", "qwen-long", "qwen3-235b-a22b", "qwq-plus",
                    "text-embedding-v1", "text-embedding-v2", "text-embedding-v3", "text-embedding-v4"),
            Set.of(Capability.CHAT, Capability.STREAM, Capability.TOOLS, Capability.EMBEDDINGS));

    @Override
    public ProviderInfo info() {
        return INFO;
    }

    private final QwenCompatibleMode compatible = new QwenCompatibleMode();

    @Override
    public ChatResponse chat(ChatRequest request, CallContext ctx) {
        if (QwenCompatibleMode.chosenBy(ctx.settings())) {
            return compatible.chat(request, ctx);
        }
        try (HttpReply reply = send(ctx, GENERATION_PATH, QwenCodec.chatRequest(request, false), false)) {
            return QwenResponses.chat(reply.bodyText());
        }
    }

    @Override
    public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        if (QwenCompatibleMode.chosenBy(ctx.settings())) {
            compatible.stream(request, ctx, out);
            return;
        }
        try (HttpReply reply = send(ctx, GENERATION_PATH, QwenCodec.chatRequest(request, true), true)) {
            new QwenStreamParser(ctx.settings().credential(), out).parse(reply.body());
        }
    }

    /** Only in the compatible mode, which speaks OpenAI's chat completions: DashScope's native protocol does not. */
    @Override
    public boolean passesThrough(ChatRequest request, String tokenField, ProviderSettings settings) {
        return QwenCompatibleMode.chosenBy(settings) && compatible.passesThrough(request, tokenField, settings);
    }

    @Override
    public ChatPassthrough.Answer chatPassed(byte[] body, CallContext ctx) {
        return compatible.chatPassed(body, ctx);
    }

    @Override
    public void streamPassed(byte[] body, CallContext ctx, Consumer<ChatChunk> out) {
        compatible.streamPassed(body, ctx, out);
    }

    @Override
    public void streamPassed(byte[] body, CallContext ctx, Consumer<ChatChunk> out,
                             Consumer<ChatPassthrough.PassedEvent> events) {
        compatible.streamPassed(body, ctx, out, events);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext ctx) {
        if (QwenCompatibleMode.chosenBy(ctx.settings())) {
            return compatible.embed(request, ctx);
        }
        List<float[]> vectors = new ArrayList<>();
        long tokens = 0;
        int batch = QwenEmbeddings.batchSize(request.model());
        List<String> bodies = QwenEmbeddings.requests(request);
        for (int i = 0; i < bodies.size(); i++) {
            int expected = Math.min(batch, request.input().size() - i * batch);
            try (HttpReply reply = send(ctx, EMBEDDING_PATH, bodies.get(i), false)) {
                var answer = QwenResponses.object(reply.bodyText());
                vectors.addAll(QwenEmbeddings.vectors(answer, expected));
                tokens += QwenEmbeddings.tokens(answer);
            }
        }
        return new EmbeddingResponse(vectors, QwenEmbeddings.usage(tokens));
    }

    /** Posts the body and returns the 2xx reply; any other status is closed and thrown as a classified failure. */
    private static HttpReply send(CallContext ctx, String path, String body, boolean sse) {
        ProviderSettings settings = ctx.settings();
        HttpCall call = HttpCall.postJson(settings.endpoint(DEFAULT_BASE_URL, path), headers(settings, sse), body);
        HttpReply reply = ctx.transport().send(call);
        if (reply.status() / 100 == 2) {
            return reply;
        }
        try (reply) {
            throw QwenErrors.fromReply(reply, settings.credential());
        }
    }

    private static Map<String, String> headers(ProviderSettings settings, boolean sse) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + settings.credential());
        if (sse) {
            headers.put("Accept", "text/event-stream");
            headers.put("X-DashScope-SSE", "enable");
        } else {
            headers.put("Accept", "application/json");
        }
        String workspace = settings.extras().get("workspace");
        if (workspace != null && !workspace.isBlank()) {
            headers.put("X-DashScope-WorkSpace", workspace.strip());
        }
        return headers;
    }
}
