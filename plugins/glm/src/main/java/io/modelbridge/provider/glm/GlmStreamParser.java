package io.modelbridge.provider.glm;

import static io.modelbridge.compat.OpenAiJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.compat.OpenAiJson;
import io.modelbridge.compat.UpstreamText;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.SseEvent;
import io.modelbridge.spi.SseReader;
import io.modelbridge.spi.Usage;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns GLM's SSE stream ({@code data: {json}} events, {@code data: [DONE]} at the end, vendor-protocols.md 6.6)
 * into {@link ChatChunk}s, each pushed as soon as its event is read. GLM repeats {@code delta.role} on every chunk
 * and puts {@code finish_reason} and {@code usage} on the last one; usage is reported once, when the stream ends.
 * A tool call may come whole or in fragments: the first delta of each call index carries its id and name, later
 * ones only argument text. Consumer exceptions propagate untouched (the adapter closes the reply).
 */
final class GlmStreamParser {
    private final String credential;
    private final Consumer<ChatChunk> out;
    private final Set<Integer> finished = new HashSet<>();
    private final Map<Integer, Set<Integer>> startedCalls = new HashMap<>();
    private Usage usage;
    private boolean sawData;

    GlmStreamParser(String credential, Consumer<ChatChunk> out) {
        this.credential = credential;
        this.out = out;
    }

    void parse(InputStream body) {
        SseReader reader = new SseReader(body);
        while (true) {
            Optional<SseEvent> event = next(reader);
            if (event.isEmpty()) {
                endedWithoutDone();
                break;
            }
            String data = event.get().data().strip();
            if (data.equals("[DONE]")) {
                break;
            }
            if (!data.isEmpty()) {
                sawData = true;
                chunk(event.get().event(), data);
            }
        }
        if (usage != null) {
            out.accept(new ChatChunk.UsageReport(usage));
        }
    }

    private Optional<SseEvent> next(SseReader reader) {
        try {
            return reader.next();
        } catch (UncheckedIOException e) {
            throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.PROTOCOL,
                    "stream ended early: connection lost before [DONE]"), e);
        }
    }

    /** A stream closed after its finish chunk is complete even without [DONE]; one cut mid-answer is not. */
    private void endedWithoutDone() {
        if (!sawData) {
            throw OpenAiJson.protocol("stream ended early: no events before the end of the stream");
        }
        if (finished.isEmpty()) {
            throw OpenAiJson.protocol("stream ended early: no [DONE] and no finish_reason");
        }
    }

    private void chunk(String eventName, String data) {
        JsonNode chunk = OpenAiJson.parse(data).filter(JsonNode::isObject)
                .orElseThrow(() -> OpenAiJson.protocol("malformed stream event: " + UpstreamText.excerpt(data)));
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            throw GlmErrors.INSTANCE.fromStreamError(error, credential);
        }
        if ("error".equals(eventName)) {
            throw GlmErrors.INSTANCE.fromStreamError(chunk, credential);
        }
        for (JsonNode choice : chunk.path("choices")) {
            choice(choice);
        }
        Usage reported = GlmResponses.usage(chunk.get("usage"));
        if (reported != null) {
            usage = reported;
        }
    }

    private void choice(JsonNode choice) {
        int index = choice.path("index").asInt(0);
        JsonNode delta = choice.path("delta");
        String reasoning = text(delta, "reasoning_content");
        if (reasoning != null && !reasoning.isEmpty()) {
            out.accept(new ChatChunk.ReasoningDelta(index, reasoning));
        }
        String content = text(delta, "content");
        if (content != null && !content.isEmpty()) {
            out.accept(new ChatChunk.TextDelta(index, content));
        }
        int position = 0;
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(index, call.path("index").asInt(position++), call);
        }
        String finish = text(choice, "finish_reason");
        if (GlmResponses.NETWORK_ERROR.equals(finish)) {
            throw GlmResponses.networkError();
        }
        if (finish != null && finished.add(index)) {
            out.accept(new ChatChunk.Finish(index, GlmResponses.finishReason(finish)));
        }
    }

    private void toolCall(int index, int callIndex, JsonNode call) {
        if (!"function".equals(call.path("type").asText("function"))) {
            return;
        }
        JsonNode function = call.path("function");
        String arguments = GlmResponses.arguments(function.get("arguments"));
        boolean first = startedCalls.computeIfAbsent(index, i -> new HashSet<>()).add(callIndex);
        if (first) {
            out.accept(new ChatChunk.ToolCallDelta(index, callIndex, text(call, "id"), text(function, "name"), arguments));
        } else if (!arguments.isEmpty()) {
            out.accept(new ChatChunk.ToolCallDelta(index, callIndex, null, null, arguments));
        }
    }
}
