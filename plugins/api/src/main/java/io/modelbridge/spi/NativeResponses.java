package io.modelbridge.spi;

import java.util.function.Consumer;

/**
 * Optional capability of a {@link ProviderAdapter}: the vendor serves OpenAI's Responses API ({@code POST
 * /v1/responses}) itself, so a channel marked {@code responses_api: native} gets the client's request as is (built-in
 * tools and every other field included) instead of its translation into chat. The gateway has already rewritten the
 * body (the upstream model, {@code store: false}, a {@code previous_response_id} replaced by the conversation's
 * items); the adapter only sends it. Failures are {@link ProviderException}s, as for chat.
 */
public interface NativeResponses {

    /** Whether this channel is served natively; every channel the gateway marks native, by default. */
    default boolean servesResponses(ProviderSettings settings) {
        return true;
    }

    /** A whole (non-streamed) answer: the vendor's response object, as JSON text. */
    String respond(String body, CallContext ctx);

    /**
     * A streamed answer ({@code "stream": true} in the body): each of the vendor's server-sent events handed to
     * {@code out} as it arrives; the method returns when the vendor's stream ends.
     */
    void streamResponses(String body, CallContext ctx, Consumer<SseEvent> out);
}
