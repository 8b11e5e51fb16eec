package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Anthropic's message stream, {@code event: <type>} and {@code data: <json>} per event: message_start, then per
 * content block content_block_start, its deltas (thinking_delta and a closing signature_delta for reasoning text,
 * text_delta, or input_json_delta for a tool call's arguments) and content_block_stop, then message_delta
 * (stop_reason, stop_sequence, usage) and message_stop. Only the first choice is streamed (Anthropic has no n);
 * reasoning text only when the request asked for thinking. A failure after the stream began is one {@code error}
 * event. While the upstream is silent, a {@code ping} event every {@link #keepAliveAfter()} ({@link StreamPings}).
 */
final class AnthropicStreamEncoder implements StreamEncoder {
    private static final int NONE = -1;
    private static final int TEXT = -2;
    private static final int THINKING = -3;
    private final AnthropicMessageEncoder message;
    private final ErrorShape errors;
    private final int promptTokens;
    private boolean started;
    private int blocks;
    /** What the open block holds: {@link #NONE}, {@link #TEXT}, or the index of the tool call it streams. */
    private int open = NONE;
    private FinishReason finish = FinishReason.STOP;
    /** The upstream's fields of choice 0 (vLLM names the matched stop sequence there). */
    private Map<String, Object> choiceFields = Map.of();

    private final Duration pingAfter;

    AnthropicStreamEncoder(AnthropicMessageEncoder message, ErrorShape errors, int promptTokens) {
        this(message, errors, promptTokens, Duration.ZERO);
    }

    /** @param pingAfter the silence after which a ping is sent; zero: never */
    AnthropicStreamEncoder(AnthropicMessageEncoder message, ErrorShape errors, int promptTokens, Duration pingAfter) {
        this.message = message;
        this.errors = errors;
        this.promptTokens = promptTokens;
        this.pingAfter = pingAfter;
    }

    @Override
    public Duration keepAliveAfter() {
        return pingAfter.isZero() ? null : pingAfter;
    }

    /** Anthropic's {@code ping}; the first one opens the stream with message_start, as Anthropic's own streams begin. */
    @Override
    public void keepAlive(Consumer<byte[]> out) {
        begin(out);
        out.accept(frame("ping", event("ping")));
    }

    @Override
    public void chunk(ChatChunk chunk, Consumer<byte[]> out) {
        switch (chunk) {
            case ChatChunk.ReasoningDelta r when r.index() == 0 && message.thinking() && !r.text().isEmpty() -> {
                if (open != THINKING) {
                    startBlock(THINKING, block("thinking").put("thinking", ""), out);
                }
                delta(out, "thinking_delta", "thinking", r.text());
            }
            case ChatChunk.TextDelta t when t.index() == 0 && !t.text().isEmpty() -> {
                if (open != TEXT) {
                    startBlock(TEXT, block("text").put("text", ""), out);
                }
                delta(out, "text_delta", "text", t.text());
            }
            case ChatChunk.ToolCallDelta tc when tc.index() == 0 -> {
                if (open != tc.callIndex()) {
                    ObjectNode block = block("tool_use").put("id", AnthropicMessageEncoder.toolUseId(tc.id()))
                            .put("name", tc.name() == null ? "" : tc.name());
                    block.putObject("input");
                    startBlock(tc.callIndex(), block, out);
                }
                if (tc.argumentsFragment() != null && !tc.argumentsFragment().isEmpty()) {
                    delta(out, "input_json_delta", "partial_json", tc.argumentsFragment());
                }
            }
            case ChatChunk.Finish f when f.index() == 0 && f.reason() != null -> finish = f.reason();
            case ChatChunk.Fields f when f.index() == 0 && !f.choice().isEmpty() -> choiceFields = f.choice();
            default -> { } // other choices, unasked reasoning, the upstream's usage report (the tally keeps it)
        }
    }

    @Override
    public void end(Usage usage, Consumer<byte[]> out) {
        begin(out);
        closeBlock(out);
        ObjectNode delta = event("message_delta");
        String stopSequence = message.stopSequence(finish, choiceFields);
        delta.putObject("delta").put("stop_reason", stopSequence != null ? "stop_sequence"
                : AnthropicMessageEncoder.stopReason(finish)).put("stop_sequence", stopSequence);
        delta.set("usage", message.usage(usage));
        out.accept(frame("message_delta", delta));
        out.accept(frame("message_stop", event("message_stop")));
    }

    @Override
    public void fail(ApiError error, Consumer<byte[]> out) {
        out.accept(frame("error", errors.body(error)));
    }

    private void begin(Consumer<byte[]> out) {
        if (!started) {
            started = true;
            ObjectNode start = event("message_start");
            start.set("message", message.skeleton(Usage.of(promptTokens, 0)));
            out.accept(frame("message_start", start));
        }
    }

    private void startBlock(int holds, ObjectNode contentBlock, Consumer<byte[]> out) {
        begin(out);
        closeBlock(out);
        open = holds;
        ObjectNode start = event("content_block_start").put("index", blocks);
        start.set("content_block", contentBlock);
        out.accept(frame("content_block_start", start));
    }

    private void closeBlock(Consumer<byte[]> out) {
        if (open == THINKING) {
            delta(out, "signature_delta", "signature", AnthropicMessageEncoder.SIGNATURE);
        }
        if (open != NONE) {
            out.accept(frame("content_block_stop", event("content_block_stop").put("index", blocks)));
            open = NONE;
            blocks++;
        }
    }

    private void delta(Consumer<byte[]> out, String type, String field, String value) {
        ObjectNode event = event("content_block_delta").put("index", blocks);
        event.putObject("delta").put("type", type).put(field, value);
        out.accept(frame("content_block_delta", event));
    }

    private ObjectNode event(String type) {
        return message.json().createObjectNode().put("type", type);
    }

    private ObjectNode block(String type) {
        return message.json().createObjectNode().put("type", type);
    }

    private byte[] frame(String name, ObjectNode data) {
        return frame(name, message.bytes(data));
    }

    /** {@code event: <name>\ndata: <json>\n\n} */
    private static byte[] frame(String name, byte[] json) {
        byte[] head = ("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        byte[] event = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, event, 0, head.length);
        System.arraycopy(json, 0, event, head.length, json.length);
        event[event.length - 2] = '\n';
        event[event.length - 1] = '\n';
        return event;
    }
}
