package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ClientGoneException;
import io.modelbridge.gateway.pipeline.AnswerStartedException;
import io.modelbridge.gateway.pipeline.ServingTarget;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.Usage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Relays an adapter's chunks to the client as server-sent events in the client's dialect (its
 * {@link StreamEncoder}), one flush per event. The response is committed (status 200 and headers sent) only when
 * the first event goes out, so every failure before that is still a real HTTP error and may fail over to another
 * channel; a failure after it is marked final ({@link AnswerStartedException}).
 */
final class SseRelay implements Consumer<ChatChunk> {
    private final ServerResponse res;
    private final StreamEncoder encoder;
    private final StreamTally tally;
    private final TargetHeaders targetHeaders;
    private final Consumer<byte[]> events = this::send;
    private ServingTarget servedBy;
    private OutputStream out;

    SseRelay(ServerResponse res, StreamEncoder encoder, StreamTally tally, TargetHeaders targetHeaders) {
        this.res = res;
        this.targetHeaders = targetHeaders;
        this.encoder = encoder;
        this.tally = tally;
    }

    /** One attempt: streams {@code adapter}'s answer, for the target (and plugin version) it was handed. */
    Void relay(ServingTarget serving, ProviderAdapter adapter, ChatRequest request, CallContext ctx) {
        return relay(serving, out -> adapter.stream(request, ctx, out));
    }

    /** One attempt whose stream is pushed by {@code call} (a chat stream, a prompt completion's stream). */
    Void relay(ServingTarget serving, Consumer<Consumer<ChatChunk>> call) {
        servedBy = serving;
        try {
            call.accept(this);
        } catch (RuntimeException e) {
            throw committed() ? AnswerStartedException.wrap(e) : e;
        }
        return null;
    }

    boolean committed() {
        return out != null;
    }

    @Override
    public void accept(ChatChunk chunk) {
        tally.add(chunk);
        encoder.chunk(chunk, events);
    }

    /** The upstream stream ended normally: the dialect's closing events, with what was delivered. */
    void finish(Usage usage) {
        encoder.end(usage, events);
        close();
    }

    /** A failure after the stream began: the dialect's error event, then the stream ends. */
    void fail(ApiError error) {
        try {
            encoder.fail(error, events);
        } catch (ClientGoneException ignored) {
            // nobody left to tell
        }
        close();
    }

    /** One event: one write (one HTTP chunk, whatever the size of the response's buffer), then a flush. */
    private void send(byte[] event) {
        commit();
        try {
            out.write(event);
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new ClientGoneException(e); // RuntimeException: Helidon's ServerConnectionException when the socket is gone
        }
    }

    private void commit() {
        if (out != null) {
            return;
        }
        if (servedBy != null) {
            targetHeaders.set(res, servedBy);
        }
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.create("X-Accel-Buffering"), "no");
        tally.firstByte();
        out = res.outputStream();
    }

    private void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // the client is gone; nothing to do
        }
    }
}
