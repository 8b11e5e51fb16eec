package io.modelbridge.provider.qwen;

import static io.modelbridge.compat.OpenAiJson.nonEmptyText;
import static io.modelbridge.compat.OpenAiJson.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.compat.OpenAiJson;
import io.modelbridge.compat.UpstreamText;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.SseEvent;
import io.modelbridge.spi.SseReader;
import io.modelbridge.spi.Usage;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns DashScope's native SSE stream (vendor-protocols.md section 4.5) into {@link ChatChunk}s as events arrive.
 * Each event is {@code id:N}, {@code event:result}, the comment {@code :HTTP_STATUS/200} and one {@code data:} line;
 * with {@code incremental_output} every event carries only new text. There is no {@code [DONE]}: an event whose
 * {@code finish_reason} is not the string {@code "null"} ends its choice, then the server closes. Usage is
 * cumulative on every event; the last one is reported once, at the end. An {@code event:error} ends the stream:
 * output-side {@code DataInspectionFailed} after some text becomes finish reason {@code content_filter}, any other
 * error is thrown. Exceptions thrown by the consumer propagate untouched.
 */
final class QwenStreamParser {
    private final String credential;
    private final Consumer<ChatChunk> out;
    private final Set<Integer> started = new HashSet<>();
    private final Set<Integer> finished = new HashSet<>();
    private final Set<String> announcedCalls = new HashSet<>();
    private boolean sawText;
    private Usage usage;

    QwenStreamParser(String credential, Consumer<ChatChunk> out) {
        this.credential = credential;
        this.out = out;
    }

    void parse(InputStream body) {
        SseReader reader = new SseReader(body);
        for (Optional<SseEvent> event = next(reader); event.isPresent(); event = next(reader)) {
            if (event(event.get())) {
                break;
            }
        }
        if (finished.isEmpty() || !finished.containsAll(started)) {
            throw protocol("DashScope stream ended early: a choice never got its finish_reason");
        }
        if (usage != null) {
            out.accept(new ChatChunk.UsageReport(usage));
        }
    }

    private static Optional<SseEvent> next(SseReader reader) {
        try {
            return reader.next();
        } catch (UncheckedIOException e) {
            throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.PROTOCOL,
                    "DashScope stream ended early: connection lost"), e);
        }
    }

    /** Handles one event; true when it ended the stream (a content filter after text). */
    private boolean event(SseEvent event) {
        String data = event.data().strip();
        if (data.isEmpty()) {
            return false;
        }
        JsonNode json = OpenAiJson.parse(data).filter(JsonNode::isObject)
                .orElseThrow(() -> protocol("malformed DashScope stream event: " + UpstreamText.excerpt(data)));
        if ("error".equals(event.event()) || (json.has("code") && !json.has("output"))) {
            return error(json);
        }
        JsonNode choices = json.path("output").path("choices");
        for (int i = 0; i < choices.size(); i++) {
            choice(choices.get(i), choices.get(i).path("index").asInt(i));
        }
        Usage reported = QwenResponses.usage(json.get("usage"));
        if (reported != null) {
            usage = reported;
        }
        return false;
    }

    private boolean error(JsonNode json) {
        ProviderException failure = QwenErrors.fromEvent(json, credential);
        if (failure.failure().kind() != ProviderFailure.Kind.CONTENT_FILTER || !sawText) {
            throw failure;
        }
        for (int index : started) {
            if (finished.add(index)) {
                out.accept(new ChatChunk.Finish(index, FinishReason.CONTENT_FILTER));
            }
        }
        return true;
    }

    private void choice(JsonNode choice, int index) {
        started.add(index);
        JsonNode message = choice.path("message");
        String reasoning = nonEmptyText(message, "reasoning_content");
        if (reasoning != null) {
            out.accept(new ChatChunk.ReasoningDelta(index, reasoning));
        }
        String content = nonEmptyText(message, "content");
        if (content != null) {
            sawText = true;
            out.accept(new ChatChunk.TextDelta(index, content));
        }
        JsonNode calls = message.path("tool_calls");
        for (int i = 0; i < calls.size(); i++) {
            toolCall(index, calls.get(i), calls.get(i).path("index").asInt(i));
        }
        FinishReason finish = QwenResponses.finishReason(nonEmptyText(choice, "finish_reason"));
        if (finish != null && finished.add(index)) {
            out.accept(new ChatChunk.Finish(index, finish));
        }
    }

    /** A tool call fragment; DashScope repeats an empty id on later fragments, so id and name go out once. */
    private void toolCall(int index, JsonNode call, int callIndex) {
        JsonNode function = call.path("function");
        String id = nonEmptyText(call, "id");
        String name = nonEmptyText(function, "name");
        boolean first = id != null && announcedCalls.add(index + ":" + callIndex);
        String arguments = function.path("arguments").asText("");
        if (!first && arguments.isEmpty()) {
            return;
        }
        out.accept(new ChatChunk.ToolCallDelta(index, callIndex, first ? id : null, first ? name : null, arguments));
    }
}
