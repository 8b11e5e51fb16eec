package io.modelbridge.compat;

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
import io.modelbridge.spi.PromptCompletions;
import io.modelbridge.spi.PromptRequest;
import io.modelbridge.spi.PromptResponse;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderSettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A complete adapter for an upstream that speaks OpenAI's chat completions (and embeddings, when
 * {@link #info()} lists {@link Capability#EMBEDDINGS}). A vendor plugin extends it, annotates the subclass
 * {@code @Extension}, returns its {@link io.modelbridge.spi.ProviderInfo} (whose default base URL is used when the
 * channel sets none) and overrides only the hooks where the vendor differs:
 * <ul>
 *   <li>{@link #chatPath()}, {@link #embeddingsPath()}: the paths under the base URL ({@code /v1/...});</li>
 *   <li>{@link #headers}: authentication and extra headers ({@code Authorization: Bearer <credential>});</li>
 *   <li>{@link #chatBody}: model-specific quirks of the request body ({@link OpenAiCodec});</li>
 *   <li>{@link #streamRules()}: where usage sits in the stream, the finish reasons, the name in messages;</li>
 *   <li>{@link #errors()}: the vendor's error types and codes ({@link OpenAiErrors}).</li>
 * </ul>
 * A subclass whose chat body is {@link OpenAiCodec#chatRequest}'s, without quirks, says so in
 * {@link #passthroughTokenField}: the gateway then sends a request that needs no translation as the client wrote it
 * ({@link ChatPassthrough}).
 * Legacy prompt completions ({@link io.modelbridge.spi.PromptCompletions}) go to {@link #completionsPath()} when
 * the vendor has one and {@link #servesPrompts} agrees; otherwise the gateway translates them through chat.
 * Stateless: one instance serves every channel and call of its plugin concurrently.
 */
public abstract class OpenAiCompatibleAdapter implements ProviderAdapter, PromptCompletions, ChatPassthrough {
    @Override
    public ChatResponse chat(ChatRequest request, CallContext ctx) {
        String body = chatBody(request, false, ctx.settings());
        try (HttpReply reply = send(ctx, chatPath(), body, "application/json")) {
            return OpenAiResponses.chat(reply.bodyText(), streamRules().finishReasons());
        }
    }

    @Override
    public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        String body = chatBody(request, true, ctx.settings());
        try (HttpReply reply = send(ctx, chatPath(), body, "text/event-stream")) {
            new OpenAiStreamParser(streamRules(), errors(), ctx.settings().credential(), out).parse(reply.body());
        }
    }

    /**
     * Only for a subclass that names its token field ({@link #passthroughTokenField}), and only when the client's limit,
     * if any, is under that name: the body {@link #chatBody} would write then says what the client's says.
     */
    @Override
    public boolean passesThrough(ChatRequest request, String tokenField, ProviderSettings settings) {
        String field = passthroughTokenField(request, settings);
        return field != null && (tokenField == null || tokenField.equals(field));
    }

    @Override
    public ChatPassthrough.Answer chatPassed(byte[] body, CallContext ctx) {
        try (HttpReply reply = send(ctx, chatPath(), body, "application/json")) {
            return OpenAiResponses.passed(reply.bodyText(), streamRules().finishReasons());
        }
    }

    @Override
    public void streamPassed(byte[] body, CallContext ctx, Consumer<ChatChunk> out) {
        streamPassed(body, ctx, out, null);
    }

    /** The events that may be relayed as they came go to {@code events} (none when it is null). */
    @Override
    public void streamPassed(byte[] body, CallContext ctx, Consumer<ChatChunk> out,
                             Consumer<ChatPassthrough.PassedEvent> events) {
        try (HttpReply reply = send(ctx, chatPath(), body, "text/event-stream")) {
            new OpenAiStreamParser(streamRules(), errors(), ctx.settings().credential(), out).relaying(events)
                    .parse(reply.body());
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext ctx) {
        if (!info().capabilities().contains(Capability.EMBEDDINGS)) {
            return ProviderAdapter.super.embed(request, ctx);
        }
        try (HttpReply reply = send(ctx, embeddingsPath(), OpenAiCodec.embeddingRequest(request), "application/json")) {
            return OpenAiResponses.embeddings(reply.bodyText());
        }
    }

    /**
     * Served natively when the vendor has a completions path ({@link #completionsPath()}) and the channel's extra
     * {@code completions} says {@code native}, or, when it says nothing, {@link #servesPrompts} does; {@code chat}
     * always translates through chat (an OpenAI-compatible upstream without the legacy endpoint).
     */
    @Override
    public final boolean completesPrompts(PromptRequest request, ProviderSettings settings) {
        if (completionsPath() == null) {
            return false;
        }
        return switch (settings.extras().getOrDefault("completions", "").strip().toLowerCase(Locale.ROOT)) {
            case "native" -> true;
            case "chat" -> false;
            default -> servesPrompts(request, settings);
        };
    }

    @Override
    public PromptResponse complete(PromptRequest request, CallContext ctx) {
        try (HttpReply reply = send(ctx, completionsPath(), PromptCodec.request(request, false), "application/json")) {
            return PromptCodec.response(reply.bodyText(), streamRules().finishReasons());
        }
    }

    @Override
    public void streamPrompt(PromptRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        try (HttpReply reply = send(ctx, completionsPath(), PromptCodec.request(request, true), "text/event-stream")) {
            new OpenAiStreamParser(streamRules(), errors(), ctx.settings().credential(), out).parse(reply.body());
        }
    }

    /** The legacy completions path under the base URL; null (the default) when the vendor has none. */
    protected String completionsPath() {
        return null;
    }

    /** Whether the vendor's completions path serves this request (its model, suffix); every request by default. */
    protected boolean servesPrompts(PromptRequest request, ProviderSettings settings) {
        return true;
    }

    /** The chat completions path under the base URL. */
    protected String chatPath() {
        return "/v1/chat/completions";
    }

    /** The embeddings path under the base URL. */
    protected String embeddingsPath() {
        return "/v1/embeddings";
    }

    /** The request headers: the channel's credential as a bearer token, and {@code accept}. */
    protected Map<String, String> headers(ProviderSettings settings, String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + settings.credential());
        headers.put("Accept", accept);
        return headers;
    }

    /** The chat request body; a stream always asks for usage ({@code stream_options.include_usage}). */
    protected String chatBody(ChatRequest request, boolean stream, ProviderSettings settings) {
        return OpenAiCodec.chatRequest(request, stream, null);
    }

    /**
     * The field {@link #chatBody} gives the completion-token limit of {@code request} (whose model is the upstream's),
     * for a subclass whose body is {@link OpenAiCodec#chatRequest}'s with nothing changed; null (the default) when the
     * adapter writes its own body, which turns the passthrough off.
     */
    protected String passthroughTokenField(ChatRequest request, ProviderSettings settings) {
        return null;
    }

    /** How the vendor's stream differs from OpenAI's. */
    protected StreamRules streamRules() {
        return StreamRules.OPENAI;
    }

    /** How the vendor's errors map onto failures. */
    protected OpenAiErrors errors() {
        return OpenAiErrors.OPENAI;
    }

    /** Posts the body and returns the 2xx reply; any other status is closed and thrown as a classified failure. */
    protected final HttpReply send(CallContext ctx, String path, String body, String accept) {
        ProviderSettings settings = ctx.settings();
        return send(ctx, HttpCall.postJson(settings.endpoint(info().defaultBaseUrl(), path), headers(settings, accept),
                body));
    }

    /** {@link #send(CallContext, String, String, String)} for a JSON body already in bytes. */
    private HttpReply send(CallContext ctx, String path, byte[] body, String accept) {
        ProviderSettings settings = ctx.settings();
        Map<String, String> headers = new LinkedHashMap<>(headers(settings, accept));
        headers.put("Content-Type", "application/json");
        return send(ctx, new HttpCall("POST", settings.endpoint(info().defaultBaseUrl(), path), headers, body));
    }

    private HttpReply send(CallContext ctx, HttpCall call) {
        ProviderSettings settings = ctx.settings();
        HttpReply reply = ctx.transport().send(call);
        if (reply.status() / 100 == 2) {
            return reply;
        }
        try (reply) {
            throw errors().fromReply(reply, settings.credential(), ctx.clock());
        }
    }
}
