package io.modelbridge.provider.ernie;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.UpstreamLimits;
import io.modelbridge.spi.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * ERNIE's stream (vendor-protocols.md 3.5): {@code data:} events whose {@code result} is the next piece of text,
 * the last one with {@code is_end: true}, its {@code finish_reason} and the usage; no {@code [DONE]}. Errors come as
 * a JSON line without {@code data:}, or as an event with {@code error_code}. Each chunk is pushed as soon as its
 * event is read; the consumer's exceptions propagate untouched (the adapter then closes the reply).
 */
final class ErnieStreamParser {
    private final ErnieCredential credential;
    private final Consumer<ChatChunk> out;
    private boolean emitted;
    private boolean called;

    ErnieStreamParser(ErnieCredential credential, Consumer<ChatChunk> out) {
        this.credential = credential;
        this.out = out;
    }

    /** Reads events until the one with {@code is_end: true}; a stream that stops before it is an error. */
    void parse(InputStream body) {
        ErnieLines lines = new ErnieLines(body);
        StringBuilder data = null;
        while (true) {
            String line = next(lines);
            if (line == null || line.isEmpty()) {
                if (data != null && event(data.toString())) {
                    return;
                }
                data = null;
                if (line == null) {
                    throw ErnieErrors.protocol("stream ended early: no event with is_end before the end of the stream");
                }
            } else if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                if (data.length() > 2 * UpstreamLimits.MAX_SSE_LINE_BYTES) {
                    throw UpstreamLimits.exceeded("a stream event longer than " + 2 * UpstreamLimits.MAX_SSE_LINE_BYTES
                            + " characters");
                }
            } else if (line.startsWith("{") && data == null && event(line)) {
                return;
            }
            // comments (':'), event:, id: and retry: lines carry nothing ERNIE uses
        }
    }

    /** Handles one event; true when it ended the stream. */
    private boolean event(String json) {
        JsonNode event = ErnieJson.object(json)
                .orElseThrow(() -> ErnieErrors.protocol("malformed stream event: " + ErnieErrors.excerpt(json)));
        if (ErnieErrors.code(event).isPresent()) {
            throw ErnieErrors.inStream(event, credential);
        }
        if (event.path("need_clear_history").asBoolean(false)) {
            return flagged(event);
        }
        String result = ErnieJson.text(event, "result");
        if (result != null && !result.isEmpty()) {
            push(new ChatChunk.TextDelta(0, result));
        }
        ToolCall call = ErnieResponses.toolCall(event);
        if (call != null && !called) {
            called = true;
            push(new ChatChunk.ToolCallDelta(0, 0, call.id(), call.name(), call.arguments()));
        }
        if (!event.path("is_end").asBoolean(false)) {
            return false;
        }
        finish(called ? FinishReason.TOOL_CALLS : ErnieResponses.finishReason(event), event);
        return true;
    }

    /**
     * The safety system stopped the conversation. Before any chunk went out that is a CONTENT_FILTER failure;
     * after, the stream ends with finish_reason content_filter (the canned refusal text is not appended).
     */
    private boolean flagged(JsonNode event) {
        if (!emitted) {
            ErnieResponses.refuseIfFlagged(event);
        }
        finish(FinishReason.CONTENT_FILTER, event);
        return true;
    }

    private void finish(FinishReason reason, JsonNode event) {
        push(new ChatChunk.Finish(0, reason));
        Usage usage = ErnieResponses.usage(event.get("usage"));
        if (usage != null) {
            push(new ChatChunk.UsageReport(usage));
        }
    }

    private void push(ChatChunk chunk) {
        emitted = true;
        out.accept(chunk);
    }

    private static String next(ErnieLines lines) {
        try {
            return lines.next();
        } catch (IOException | UncheckedIOException e) {
            throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.PROTOCOL,
                    "stream ended early: connection lost before the event with is_end"), e);
        }
    }
}
