package io.modelbridge.gateway.pipeline;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.NativeResponses;
import io.modelbridge.spi.PromptCompletions;
import io.modelbridge.spi.PromptRequest;
import io.modelbridge.spi.PromptResponse;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.SseEvent;
import java.util.function.Consumer;

/**
 * An adapter whose every streamed chunk reaches the client through its {@link CallWatchdog}, and whose {@link Error}s
 * (a class missing from the plugin's jar, ...) become {@link PluginError}s, failing the attempt like an exception. A
 * stream the watchdog ended fails here, inside the attempt, so the attempt can tell whether its answer had begun.
 */
record WatchedAdapter(ProviderAdapter adapter, CallWatchdog watchdog) implements ProviderAdapter, PromptCompletions,
        NativeResponses, ChatPassthrough {
    @Override
    public ProviderInfo info() {
        return adapter.info();
    }

    @Override
    public String id() {
        return adapter.id();
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext ctx) {
        try {
            return adapter.chat(request, ctx);
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
    }

    @Override
    public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        try {
            adapter.stream(request, ctx, chunk -> watchdog.deliver(chunk, out));
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
        if (watchdog.fired()) { // ended, though the plugin returned: the stream's caller must see the failure
            throw watchdog.failure();
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext ctx) {
        try {
            return adapter.embed(request, ctx);
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
    }

    /** Whether the adapter implements {@link PromptCompletions} and serves this prompt natively. */
    @Override
    public boolean completesPrompts(PromptRequest request, ProviderSettings settings) {
        try {
            return adapter instanceof PromptCompletions prompts && prompts.completesPrompts(request, settings);
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
    }

    @Override
    public PromptResponse complete(PromptRequest request, CallContext ctx) {
        try {
            return ((PromptCompletions) adapter).complete(request, ctx);
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
    }

    @Override
    public void streamPrompt(PromptRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        try {
            ((PromptCompletions) adapter).streamPrompt(request, ctx, chunk -> watchdog.deliver(chunk, out));
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
        if (watchdog.fired()) {
            throw watchdog.failure();
        }
    }

    /** Whether the adapter implements {@link NativeResponses} and serves this channel natively. */
    @Override
    public boolean servesResponses(ProviderSettings settings) {
        try {
            return adapter instanceof NativeResponses responses && responses.servesResponses(settings);
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
    }

    @Override
    public String respond(String body, CallContext ctx) {
        try {
            return ((NativeResponses) adapter).respond(body, ctx);
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
    }

    @Override
    public void streamResponses(String body, CallContext ctx, Consumer<SseEvent> out) {
        try {
            ((NativeResponses) adapter).streamResponses(body, ctx, event -> watchdog.deliver(event, out));
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
        if (watchdog.fired()) {
            throw watchdog.failure();
        }
    }

    /** Whether the adapter implements {@link ChatPassthrough} and sends this request as the client wrote it. */
    @Override
    public boolean passesThrough(ChatRequest request, String tokenField, ProviderSettings settings) {
        try {
            return adapter instanceof ChatPassthrough passthrough
                    && passthrough.passesThrough(request, tokenField, settings);
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
    }

    @Override
    public ChatPassthrough.Answer chatPassed(byte[] body, CallContext ctx) {
        try {
            return ((ChatPassthrough) adapter).chatPassed(body, ctx);
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
    }

    @Override
    public void streamPassed(byte[] body, CallContext ctx, Consumer<ChatChunk> out) {
        streamPassed(body, ctx, out, null);
    }

    @Override
    public void streamPassed(byte[] body, CallContext ctx, Consumer<ChatChunk> out,
                             Consumer<ChatPassthrough.PassedEvent> events) {
        try {
            ((ChatPassthrough) adapter).streamPassed(body, ctx, chunk -> watchdog.deliver(chunk, out),
                    events == null ? null : event -> watchdog.deliver(event, events));
        } catch (Error e) {
            throw PluginError.wrap(e);
        }
        if (watchdog.fired()) {
            throw watchdog.failure();
        }
    }
}
