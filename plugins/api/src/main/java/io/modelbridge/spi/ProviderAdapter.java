package io.modelbridge.spi;

import java.util.function.Consumer;
import org.pf4j.ExtensionPoint;

/**
 * One vendor's protocol. The gateway builds one instance per plugin start and calls it from many virtual threads
 * at once, so implementations keep no per-request state in fields (caches such as access tokens are fine).
 *
 * <p>Every method blocks until done and reports failure by throwing {@link ProviderException}; any other
 * exception is treated as a plugin bug and answered as a 502 to the client.
 */
public interface ProviderAdapter extends ExtensionPoint {

    /** What the plugin listing shows: id, display name, credential format, known models, capabilities. */
    ProviderInfo info();

    /** The provider id channels refer to, e.g. {@code "openai"}. */
    default String id() {
        return info().id();
    }

    /** A complete (non-streamed) chat completion. {@code request.model()} is already the upstream model name. */
    ChatResponse chat(ChatRequest request, CallContext ctx);

    /**
     * A streamed chat completion: pushes chunks to {@code out} in order, as they arrive from the vendor, and
     * returns when the vendor's stream has ended. If {@code out} throws (the client went away), the adapter must
     * let the exception propagate after closing its upstream reply, which cancels the vendor's generation.
     */
    void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out);

    /** Embeddings; adapters without them keep this default. */
    default EmbeddingResponse embed(EmbeddingRequest request, CallContext ctx) {
        throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.BAD_REQUEST,
                "provider '" + id() + "' does not offer embeddings"));
    }
}
