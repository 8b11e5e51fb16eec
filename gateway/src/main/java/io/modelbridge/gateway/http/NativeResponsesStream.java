package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.SseEvent;
import io.modelbridge.spi.Usage;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A Responses API stream whose attempt may go to a channel that serves the Responses API natively, or to one that is
 * translated. A native attempt's events are relayed as they come, each as the upstream framed it; only the response
 * object of response.created / in_progress / completed / incomplete / failed is rewritten (model, store,
 * previous_response_id as the client sent them), and a completed or incomplete response is stored before it goes out.
 * The gateway counts the output_text deltas and bills the final response's usage. A translated attempt's chunks go
 * to the translated dialect's encoder. A native stream that fails after it began ends with an {@code error} event.
 */
final class NativeResponsesStream implements StreamEncoder {
    private static final Set<String> FINAL = Set.of("response.completed", "response.incomplete", "response.failed");
    private final StreamEncoder translated;
    private final NativeResponsesRequest request;
    private final ObjectMapper json;
    private boolean passthrough;
    private long nextSequence;

    /** @param translated the translated call's encoder, or null when the request cannot be translated */
    NativeResponsesStream(StreamEncoder translated, NativeResponsesRequest request, ObjectMapper json) {
        this.translated = translated;
        this.request = request;
        this.json = json;
    }

    /** One event of a native upstream, handed to the relay with what it delivered. */
    void relay(SseEvent event, SseRelay.PassedEvents out) {
        passthrough = true;
        JsonNode data = parse(event.data());
        if (data == null) {
            out.event(frame(event.event(), event.data()), null, false);
            return;
        }
        if (data.path("sequence_number").canConvertToLong()) {
            nextSequence = data.get("sequence_number").longValue() + 1;
        }
        String type = data.path("type").asText();
        ChatChunk counted = null;
        String sent = event.data();
        if (data.get("response") instanceof ObjectNode response) {
            request.shown(response);
            if (FINAL.contains(type)) {
                Usage usage = NativeResponsesUsage.of(response);
                counted = usage == null ? null : new ChatChunk.UsageReport(usage);
                if (!"response.failed".equals(type)) {
                    request.keep(response);
                }
            }
            sent = data.toString();
        } else if ("response.output_text.delta".equals(type)) {
            counted = new ChatChunk.TextDelta(0, data.path("delta").asText());
        }
        out.event(frame(event.event(), sent), counted, FINAL.contains(type));
    }

    @Override
    public void chunk(ChatChunk chunk, Consumer<byte[]> out) {
        if (!passthrough) {
            translatedOrThrow().chunk(chunk, out);
        }
    }

    /** A native stream's end is the upstream's own last event. */
    @Override
    public void end(Usage usage, Consumer<byte[]> out) {
        if (!passthrough) {
            translatedOrThrow().end(usage, out);
        }
    }

    @Override
    public void fail(ApiError error, Consumer<byte[]> out) {
        if (!passthrough && translated != null) {
            translated.fail(error, out);
            return;
        }
        ObjectNode event = json.createObjectNode().put("type", "error").put("code", error.code())
                .put("message", error.message()).put("param", error.param()).put("sequence_number", nextSequence++);
        out.accept(frame("error", event.toString()));
    }

    private StreamEncoder translatedOrThrow() {
        if (translated == null) {
            throw new IllegalStateException("a translated chunk for an untranslatable Responses request");
        }
        return translated;
    }

    private JsonNode parse(String data) {
        try {
            return json.readTree(data);
        } catch (JsonProcessingException e) {
            return null; // not JSON: relayed as it came
        }
    }

    /** The upstream's framing: {@code event: <name>} when it named the event, then the data. */
    private static byte[] frame(String name, String data) {
        String head = "message".equals(name) ? "" : "event: " + name + "\n";
        return (head + "data: " + data.replace("\n", "\ndata: ") + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
