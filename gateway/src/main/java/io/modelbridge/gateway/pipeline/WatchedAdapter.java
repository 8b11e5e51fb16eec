package io.modelbridge.gateway.pipeline;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderInfo;
import java.util.function.Consumer;

/** An adapter whose every streamed chunk reaches the client through its {@link CallWatchdog}. */
record WatchedAdapter(ProviderAdapter adapter, CallWatchdog watchdog) implements ProviderAdapter {
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
        return adapter.chat(request, ctx);
    }

    @Override
    public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        adapter.stream(request, ctx, chunk -> watchdog.deliver(chunk, out));
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext ctx) {
        return adapter.embed(request, ctx);
    }
}
