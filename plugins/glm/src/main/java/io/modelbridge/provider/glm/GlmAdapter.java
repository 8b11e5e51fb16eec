package io.modelbridge.provider.glm;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.pf4j.Extension;

/**
 * Zhipu GLM's v4 API (open.bigmodel.cn; Z.ai's api.z.ai is the same API under another base URL): chat, streamed
 * chat, function tools and embeddings. The channel credential is the Zhipu API key {@code id.secret}; each call
 * carries a short-lived HS256 JWT signed from it ({@link GlmAuth}). Channel extras: {@code auth} ({@code jwt}, the
 * default, or {@code api-key} to send the key itself as the official SDK does), {@code token-ttl-seconds},
 * {@code embedding-batch-size} (inputs per embeddings call, default 64, GLM's documented maximum).
 */
@Extension
public final class GlmAdapter implements ProviderAdapter {
    static final String DEFAULT_BASE_URL = "https://open.bigmodel.cn";
    static final String CHAT_PATH = "/api/paas/v4/chat/completions";
    static final String EMBEDDINGS_PATH = "/api/paas/v4/embeddings";
    static final int MAX_EMBEDDING_BATCH = 64;
    static final ProviderInfo INFO = new ProviderInfo("glm", "Zhipu GLM", "id.secret (the Zhipu API key as issued)",
            DEFAULT_BASE_URL,
            List.of("glm-4-plus", "glm-4-air", "glm-4-airx", "glm-4-long", "glm-4-flash", "glm-4-flashx", "glm-4",
                    "glm-4v", "glm-4v-plus", "glm-4v-flash", "glm-4.5", "glm-4.5-air", "glm-4.5-flash", "glm-z1-air",
                    "glm-z1-flash", "embedding-2", "embedding-3"),
            Set.of(Capability.CHAT, Capability.STREAM, Capability.TOOLS, Capability.EMBEDDINGS));

    private final GlmAuth auth = new GlmAuth(new GlmTokenCache());

    @Override
    public ProviderInfo info() {
        return INFO;
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext ctx) {
        String body = GlmCodec.chatRequest(request, false);
        try (HttpReply reply = send(ctx, CHAT_PATH, body, "application/json")) {
            return GlmResponses.chat(reply.bodyText());
        }
    }

    @Override
    public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        String body = GlmCodec.chatRequest(request, true);
        try (HttpReply reply = send(ctx, CHAT_PATH, body, "text/event-stream")) {
            GlmResponses.streamParser(ctx.settings().credential(), out).parse(reply.body());
        }
    }

    /** GLM takes at most 64 inputs per call: larger requests are sent in order, in slices, and put back together. */
    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext ctx) {
        int batch = GlmSettings.embeddingBatchSize(ctx.settings());
        List<float[]> vectors = new ArrayList<>();
        Usage total = null;
        for (int from = 0; from < request.input().size(); from += batch) {
            List<String> slice = request.input().subList(from, Math.min(request.input().size(), from + batch));
            String body = GlmCodec.embeddingRequest(request, slice);
            try (HttpReply reply = send(ctx, EMBEDDINGS_PATH, body, "application/json")) {
                EmbeddingResponse answer = GlmResponses.embeddings(reply.bodyText(), slice.size());
                vectors.addAll(answer.vectors());
                total = add(total, answer.usage());
            }
        }
        return new EmbeddingResponse(vectors, total);
    }

    /**
     * Posts the body and returns the 2xx reply. Any other status is closed and thrown as a classified failure,
     * except Zhipu's "token expired" (1003) to a JWT from the cache: that token is dropped and the call is made
     * once more with a freshly signed one.
     */
    private HttpReply send(CallContext ctx, String path, String body, String accept) {
        GlmAuth.Header authorization = auth.header(ctx.settings(), ctx.clock());
        HttpReply reply = post(ctx, path, body, accept, authorization.value());
        if (reply.status() / 100 == 2) {
            return reply;
        }
        ProviderException failure;
        try (reply) {
            failure = GlmErrors.INSTANCE.fromReply(reply, ctx.settings().credential(), ctx.clock());
        }
        if (!authorization.signed() || !GlmErrors.TOKEN_EXPIRED.equals(failure.failure().vendorCode())) {
            throw failure;
        }
        auth.expired(ctx.settings(), authorization);
        HttpReply retry = post(ctx, path, body, accept, auth.header(ctx.settings(), ctx.clock()).value());
        if (retry.status() / 100 == 2) {
            return retry;
        }
        try (retry) {
            throw GlmErrors.INSTANCE.fromReply(retry, ctx.settings().credential(), ctx.clock());
        }
    }

    private static HttpReply post(CallContext ctx, String path, String body, String accept, String authorization) {
        HttpCall call = HttpCall.postJson(ctx.settings().endpoint(DEFAULT_BASE_URL, path),
                Map.of("Authorization", authorization, "Accept", accept), body);
        return ctx.transport().send(call);
    }

    private static Usage add(Usage sum, Usage more) {
        if (more == null) {
            return sum;
        }
        return sum == null ? more : new Usage(sum.promptTokens() + more.promptTokens(),
                sum.completionTokens() + more.completionTokens(), sum.totalTokens() + more.totalTokens());
    }
}
