package io.modelbridge.gateway.http;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.Usage;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.function.Consumer;

/**
 * OpenAI's chat completion stream: {@code data: <chunk>} events, each choice opened by an assistant-role chunk,
 * optionally a trailing usage chunk, then {@code data: [DONE]}; a failure after the stream began is one
 * {@code data: {"error":...}} event and no [DONE], as OpenAI's SDKs expect.
 */
final class OpenAiStreamEncoder implements StreamEncoder {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private final ResponseEncoder encoder;
    private final ErrorShape errors;
    private final boolean includeUsage;
    private final BitSet started = new BitSet(); // choice indexes are below UpstreamLimits.MAX_CHOICES (ChatChunk checks)

    OpenAiStreamEncoder(ResponseEncoder encoder, ErrorShape errors, boolean includeUsage) {
        this.encoder = encoder;
        this.errors = errors;
        this.includeUsage = includeUsage;
    }

    @Override
    public void chunk(ChatChunk chunk, Consumer<byte[]> out) {
        byte[] json = encoder.chunk(chunk);
        int index = choiceIndex(chunk);
        if (chunk instanceof ChatChunk.UsageReport) {
            return; // sent last, if at all
        }
        if (!started.get(index)) {
            started.set(index);
            out.accept(data(encoder.roleChunk(index, chunk)));
        }
        if (json != null) {
            out.accept(data(json));
        }
    }

    /** The event as it came, when its choice has opened (or opens with it) and the encoder has nothing to add to it. */
    @Override
    public byte[] relayed(ChatPassthrough.PassedEvent event) {
        if (!started.get(event.index()) && !event.opensChoice()) {
            return null;
        }
        byte[] json = encoder.relayed(event);
        if (json == null) {
            return null;
        }
        started.set(event.index());
        return data(json);
    }

    @Override
    public void end(Usage usage, Consumer<byte[]> out) {
        if (!started.get(0)) {
            out.accept(data(encoder.roleChunk(0, null)));
        }
        for (int index : encoder.pendingChoices()) {
            out.accept(data(encoder.pendingChunk(index)));
        }
        if (includeUsage) {
            out.accept(data(encoder.usageChunk(usage)));
        }
        out.accept(DONE);
    }

    @Override
    public void fail(ApiError error, Consumer<byte[]> out) {
        out.accept(data(errors.body(error)));
    }

    /** {@code data: <json>\n\n} */
    static byte[] data(byte[] json) {
        byte[] event = new byte[DATA.length + json.length + END.length];
        System.arraycopy(DATA, 0, event, 0, DATA.length);
        System.arraycopy(json, 0, event, DATA.length, json.length);
        System.arraycopy(END, 0, event, DATA.length + json.length, END.length);
        return event;
    }

    static int choiceIndex(ChatChunk chunk) {
        return switch (chunk) {
            case ChatChunk.TextDelta t -> t.index();
            case ChatChunk.ReasoningDelta r -> r.index();
            case ChatChunk.ToolCallDelta tc -> tc.index();
            case ChatChunk.Finish f -> f.index();
            case ChatChunk.Fields f -> f.index();
            case ChatChunk.UsageReport u -> 0;
        };
    }
}
