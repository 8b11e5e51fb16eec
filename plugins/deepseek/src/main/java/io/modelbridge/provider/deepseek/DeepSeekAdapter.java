package io.modelbridge.provider.deepseek;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.ProviderSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.pf4j.Extension;

/**
 * DeepSeek's chat completions ({@code POST /chat/completions} under {@code https://api.deepseek.com}, bearer key).
 * DeepSeek has no embeddings endpoint. Channel extra {@code reasoning-history}: {@code drop} (default) leaves
 * earlier turns' {@code reasoning_content} out of the request, {@code keep} sends it back.
 */
@Extension
public final class DeepSeekAdapter implements ProviderAdapter {
    static final String DEFAULT_BASE_URL = "https://api.deepseek.com";
    static final String CHAT_PATH = "/chat/completions";
    static final ProviderInfo INFO = new ProviderInfo("deepseek", "DeepSeek",
            "API key, sent as Authorization: Bearer sk-...", DEFAULT_BASE_URL,
            List.of("deepseek-chat", "deepseek-reasoner"),
            Set.of(Capability.CHAT, Capability.STREAM, Capability.TOOLS));

    @Override
    public ProviderInfo info() {
        return INFO;
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext ctx) {
        String body = DeepSeekCodec.chatRequest(request, false, keepReasoning(ctx.settings()));
        try (HttpReply reply = send(ctx, body, "application/json")) {
            return DeepSeekResponses.chat(reply.bodyText());
        }
    }

    @Override
    public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        String body = DeepSeekCodec.chatRequest(request, true, keepReasoning(ctx.settings()));
        try (HttpReply reply = send(ctx, body, "text/event-stream")) {
            new DeepSeekStreamParser(ctx.settings().credential(), out).parse(reply.body());
        }
    }

    /** Posts the body and returns the 2xx reply; any other status is closed and thrown as a classified failure. */
    private static HttpReply send(CallContext ctx, String body, String accept) {
        ProviderSettings settings = ctx.settings();
        HttpCall call = HttpCall.postJson(settings.endpoint(DEFAULT_BASE_URL, CHAT_PATH),
                Map.of("Authorization", "Bearer " + settings.credential(), "Accept", accept), body);
        HttpReply reply = ctx.transport().send(call);
        if (reply.status() / 100 == 2) {
            return reply;
        }
        try (reply) {
            throw DeepSeekErrors.fromReply(reply, settings.credential(), ctx.clock());
        }
    }

    private static boolean keepReasoning(ProviderSettings settings) {
        return "keep".equalsIgnoreCase(settings.extras().getOrDefault("reasoning-history", "drop").strip());
    }
}
