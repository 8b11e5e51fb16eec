package io.modelbridge.gateway.http;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.Usage;
import java.util.function.Consumer;

/**
 * A client dialect's server-sent events for one stream. Each {@code byte[]} it hands {@code out} is one whole event,
 * framed as the dialect frames it ({@code data: ...\n\n}, or with an {@code event:} line), which {@link SseRelay}
 * writes and flushes as it is.
 */
interface StreamEncoder {

    /** The events for one canonical chunk: none, one, or several (a choice's opening event before its first text). */
    void chunk(ChatChunk chunk, Consumer<byte[]> out);

    /**
     * An upstream event relayed as it came, as this dialect's one whole event, when that says what {@link #chunk} would
     * say of its chunks now; null: they are encoded ({@link ChatPassthrough.PassedEvent}).
     */
    default byte[] relayed(ChatPassthrough.PassedEvent event) {
        return null;
    }

    /** The stream ended normally, with what it delivered in {@code usage}. */
    void end(Usage usage, Consumer<byte[]> out);

    /** The stream failed after it began: the dialect's error event (the status cannot change any more). */
    void fail(ApiError error, Consumer<byte[]> out);

    /**
     * How long a stream may stay silent before {@link #keepAlive} is sent ({@link StreamPings}); null: this dialect
     * has no keep-alive event.
     */
    default java.time.Duration keepAliveAfter() {
        return null;
    }

    /** The dialect's keep-alive event (and whatever must precede it), while the upstream is silent. */
    default void keepAlive(Consumer<byte[]> out) {}
}
