package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorWriter;
import io.modelbridge.gateway.pipeline.AnswerStartedException;
import io.modelbridge.gateway.pipeline.ClientGoneException;
import io.modelbridge.gateway.pipeline.ServingTarget;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.Usage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.function.Consumer;

/**
 * Relays an adapter's chunks to the client as OpenAI server-sent events, one flush per event. The response is
 * committed (status 200 and headers sent) only when the first chunk arrives, so every failure before that is
 * still a real HTTP error and may fail over to another channel.
 */
final class SseRelay implements Consumer<ChatChunk> {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private final ServerResponse res;
    private final ResponseEncoder encoder;
    private final ErrorWriter errors;
    private final boolean includeUsage;
    private ServingTarget servedBy;
    private final StreamTally tally;
    private final BitSet started = new BitSet(); // choice indexes are below UpstreamLimits.MAX_CHOICES (ChatChunk checks)
    private OutputStream out;

    SseRelay(ServerResponse res, ResponseEncoder encoder, ErrorWriter errors, boolean includeUsage, StreamTally tally) {
        this.res = res;
        this.encoder = encoder;
        this.errors = errors;
        this.includeUsage = includeUsage;
        this.tally = tally;
    }

    /**
     * One attempt: streams {@code adapter}'s answer for the target it was handed. A failure after the first event
     * went out is marked final ({@link AnswerStartedException}): the client already has this target's answer.
     */
    Void relay(ServingTarget serving, ProviderAdapter adapter, ChatRequest request, CallContext ctx) {
        servedBy = serving;
        try {
            adapter.stream(request, ctx, this);
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
        byte[] event = encoder.chunk(chunk);
        if (event == null) {
            return;
        }
        int index = choiceIndex(chunk);
        if (!started.get(index)) {
            started.set(index);
            send(encoder.roleChunk(index));
        }
        send(event);
    }

    /** The upstream stream ended normally: trailing usage chunk if asked for, then [DONE]. */
    void finish(Usage usage) {
        if (!started.get(0)) {
            send(encoder.roleChunk(0));
        }
        if (includeUsage) {
            send(encoder.usageChunk(usage));
        }
        write(DONE);
        close();
    }

    /** A failure after the stream began: one error event, then the stream ends (no [DONE], as OpenAI's SDK expects). */
    void fail(ApiError error) {
        try {
            send(errors.body(error));
        } catch (ClientGoneException ignored) {
            // nobody left to tell
        }
        close();
    }

    private void send(byte[] json) {
        commit();
        try {
            byte[] event = new byte[DATA.length + json.length + END.length];
            System.arraycopy(DATA, 0, event, 0, DATA.length);
            System.arraycopy(json, 0, event, DATA.length, json.length);
            System.arraycopy(END, 0, event, DATA.length + json.length, END.length);
            out.write(event); // one write: one HTTP chunk, whatever the size of the response's buffer
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            throw new ClientGoneException(e);
        } catch (RuntimeException e) {
            throw new ClientGoneException(e); // Helidon's ServerConnectionException when the socket is gone
        }
    }

    private void write(byte[] raw) {
        commit();
        try {
            out.write(raw);
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new ClientGoneException(e);
        }
    }

    private void commit() {
        if (out != null) {
            return;
        }
        ChatHandler.targetHeaders(servedBy).forEach((name, value) -> res.header(HeaderNames.create(name), value));
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

    private static int choiceIndex(ChatChunk chunk) {
        return switch (chunk) {
            case ChatChunk.TextDelta t -> t.index();
            case ChatChunk.ReasoningDelta r -> r.index();
            case ChatChunk.ToolCallDelta tc -> tc.index();
            case ChatChunk.Finish f -> f.index();
            case ChatChunk.UsageReport u -> 0;
        };
    }
}
