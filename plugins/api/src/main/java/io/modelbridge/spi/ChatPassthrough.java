package io.modelbridge.spi;

import java.util.List;
import java.util.function.Consumer;

/**
 * Optional capability of a {@link ProviderAdapter} whose vendor speaks OpenAI's chat completions: a request that needs
 * no translation goes upstream as the client sent it, only its top-level {@code model} replaced by the gateway, and a
 * whole answer comes back as the vendor's text with the places of its {@code id}, {@code created} and {@code model},
 * so the gateway can relay it with only those replaced. The gateway asks {@link #passesThrough} first and otherwise
 * calls {@link ProviderAdapter#chat} / {@link ProviderAdapter#stream} as usual.
 */
public interface ChatPassthrough {

    /**
     * Whether this channel's upstream gets exactly the client's body (its model replaced) for {@code request}, i.e.
     * the adapter would write nothing else: no quirk of its own, and the client's completion-token limit under the
     * field name the adapter would use.
     *
     * @param request    the request as the gateway read it, {@code model()} already the upstream model
     * @param tokenField the client's completion-token field ({@code max_tokens} or {@code max_completion_tokens}), or
     *                   null when the client set no limit
     */
    boolean passesThrough(ChatRequest request, String tokenField, ProviderSettings settings);

    /** A whole answer to {@code body} (JSON, sent as it is). */
    Answer chatPassed(byte[] body, CallContext ctx);

    /** A streamed answer to {@code body} (JSON, sent as it is), as {@link ProviderAdapter#stream} delivers one. */
    void streamPassed(byte[] body, CallContext ctx, Consumer<ChatChunk> out);

    /**
     * A streamed answer to {@code body} as {@link #streamPassed(byte[], CallContext, Consumer)} delivers one, except
     * that an event whose text may be relayed as it came ({@link PassedEvent}) goes to {@code events}, with its
     * chunks, instead of its chunks going to {@code out}. An adapter that never tells such events apart need not
     * override this.
     */
    default void streamPassed(byte[] body, CallContext ctx, Consumer<ChatChunk> out, Consumer<PassedEvent> events) {
        streamPassed(body, ctx, out);
    }

    /**
     * A whole answer: as read for the gateway (usage, choices), and, when its text can be relayed as it came (it says
     * nothing the gateway's own encoding of {@code response} would say otherwise, apart from id, created and model),
     * that text with the places of those three values; else {@code text} is null and the gateway encodes
     * {@code response}.
     */
    record Answer(ChatResponse response, String text, Span id, Span created, Span model) {
        public static Answer encoded(ChatResponse response) {
            return new Answer(response, null, null, null, null);
        }
    }

    /**
     * One event of a streamed answer whose text says what the gateway's encoding of its {@code chunks} would say (in
     * the OpenAI dialect, full profile), apart from id, created and model, whose places it gives, and a
     * {@code "usage": null} member, whose place ({@code usageNull}: from the end of the value before it, so with its
     * comma) it gives when it has one, for a client that did not ask for usage. Its one choice, {@code index}, opens
     * with this event when {@code opensChoice} (its delta has the assistant's role). The text is one line of JSON.
     */
    record PassedEvent(String text, Span id, Span created, Span model, Span usageNull, int index, boolean opensChoice,
                       List<ChatChunk> chunks) {
        public PassedEvent {
            chunks = List.copyOf(chunks);
        }
    }

    /** Where a JSON value sits in a text: {@code text.substring(start, end)} is the value with its quotes. */
    record Span(int start, int end) {}
}
