package io.modelbridge.provider.openai;

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
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.ProviderSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.pf4j.Extension;

/**
 * OpenAI's chat completions and embeddings, also usable for any OpenAI-compatible upstream (set the channel's
 * base URL). Channel extras: {@code organization} and {@code project} become {@code OpenAI-Organization} and
 * {@code OpenAI-Project}; {@code max-tokens-field} forces {@code max_tokens} or {@code max_completion_tokens}.
 */
@Extension
public final class OpenAiAdapter implements ProviderAdapter {
    static final String DEFAULT_BASE_URL = "https://api.openai.com";
    static final ProviderInfo INFO = new ProviderInfo("openai", "OpenAI", "API key (sk-...)", DEFAULT_BASE_URL,
            List.of("gpt-4o", "gpt-4o-mini", "gpt-4-turbo", "gpt-3.5-turbo", "gpt-4.1", "gpt-4.1-mini",
                    "gpt-4.1-nano", "o1", "o3-mini", "text-embedding-3-small", "text-embedding-3-large",
                    "text-embedding-ada-002"),
            Set.of(Capability.CHAT, Capability.STREAM, Capability.TOOLS, Capability.EMBEDDINGS));

    @Override
    public ProviderInfo info() {
        return INFO;
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext ctx) {
        String body = OpenAiCodec.chatRequest(request, false, maxTokensField(ctx.settings()));
        try (HttpReply reply = send(ctx, "/v1/chat/completions", body, "application/json")) {
            return OpenAiResponses.chat(reply.bodyText());
        }
    }

    @Override
    public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        String body = OpenAiCodec.chatRequest(request, true, maxTokensField(ctx.settings()));
        try (HttpReply reply = send(ctx, "/v1/chat/completions", body, "text/event-stream")) {
            new OpenAiStreamParser(ctx.settings().credential(), out).parse(reply.body());
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext ctx) {
        try (HttpReply reply = send(ctx, "/v1/embeddings", OpenAiCodec.embeddingRequest(request), "application/json")) {
            return OpenAiResponses.embeddings(reply.bodyText());
        }
    }

    /** Posts the body and returns the 2xx reply; any other status is closed and thrown as a classified failure. */
    private static HttpReply send(CallContext ctx, String path, String body, String accept) {
        ProviderSettings settings = ctx.settings();
        HttpCall call = HttpCall.postJson(settings.endpoint(DEFAULT_BASE_URL, path), headers(settings, accept), body);
        HttpReply reply = ctx.transport().send(call);
        if (reply.status() / 100 == 2) {
            return reply;
        }
        try (reply) {
            throw OpenAiErrors.fromReply(reply, settings.credential(), ctx.clock());
        }
    }

    private static Map<String, String> headers(ProviderSettings settings, String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + settings.credential());
        headers.put("Accept", accept);
        putIfSet(headers, "OpenAI-Organization", settings.extras().get("organization"));
        putIfSet(headers, "OpenAI-Project", settings.extras().get("project"));
        return headers;
    }

    private static String maxTokensField(ProviderSettings settings) {
        return settings.extras().get("max-tokens-field");
    }

    private static void putIfSet(Map<String, String> headers, String name, String value) {
        if (value != null && !value.isBlank()) {
            headers.put(name, value.strip());
        }
    }
}
