package io.modelbridge.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatChunk;
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
 * Turns an OpenAI {@code chat.completion.chunk} stream into {@link ChatChunk}s, pushing each one to the consumer as
 * soon as its event is read. Exceptions thrown by the consumer are not caught here: they reach the adapter, which
 * closes the reply (cancelling the upstream call) and lets them propagate.
 */
final class OpenAiStreamParser {
    private final String credential;
    private final Consumer<ChatChunk> out;
    private final Set<Integer> finished = new HashSet<>();
    private boolean sawData;

    OpenAiStreamParser(String credential, Consumer<ChatChunk> out) {
        this.credential = credential;
        this.out = out;
    }

    /** Reads events until {@code [DONE]}; a stream that stops before every started choice finished is an error. */
    void parse(InputStream body) {
        SseReader reader = new SseReader(body);
        while (true) {
            Optional<SseEvent> event = next(reader);
            if (event.isEmpty()) {
                endedWithoutDone();
                return;
            }
            String data = event.get().data().strip();
            if (data.equals("[DONE]")) {
                return;
            }
            if (!data.isEmpty()) {
                sawData = true;
                chunk(data);
            }
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

    /**
     * Some OpenAI-compatible upstreams close the stream after the finish chunk without {@code [DONE]}; that stream is
     * complete. One that stops mid-answer is not.
     */
    private void endedWithoutDone() {
        if (!sawData) {
            throw OpenAiResponses.protocol("stream ended early: no events before the end of the stream");
        }
        if (finished.isEmpty()) {
            throw OpenAiResponses.protocol("stream ended early: no [DONE] and no finish_reason");
        }
    }

    private void chunk(String data) {
        JsonNode chunk = OpenAiJson.parse(data).filter(JsonNode::isObject)
                .orElseThrow(() -> OpenAiResponses.protocol("malformed stream event: " + OpenAiErrors.excerpt(data)));
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            throw OpenAiErrors.fromStreamError(error, credential);
        }
        for (JsonNode choice : chunk.path("choices")) {
            choice(choice);
        }
        Usage usage = OpenAiResponses.usage(chunk.get("usage"));
        if (usage != null) {
            out.accept(new ChatChunk.UsageReport(usage));
        }
    }

    private void choice(JsonNode choice) {
        int index = choice.path("index").asInt(0);
        JsonNode delta = choice.path("delta");
        String reasoning = OpenAiJson.text(delta, "reasoning_content");
        if (reasoning != null && !reasoning.isEmpty()) {
            out.accept(new ChatChunk.ReasoningDelta(index, reasoning));
        }
        String content = OpenAiJson.text(delta, "content");
        if (content != null && !content.isEmpty()) {
            out.accept(new ChatChunk.TextDelta(index, content));
        }
        int position = 0;
        for (JsonNode call : delta.path("tool_calls")) {
            JsonNode function = call.path("function");
            out.accept(new ChatChunk.ToolCallDelta(index, call.path("index").asInt(position),
                    OpenAiJson.text(call, "id"), OpenAiJson.text(function, "name"),
                    function.path("arguments").asText("")));
            position++;
        }
        String finish = OpenAiJson.text(choice, "finish_reason");
        if (finish != null && finished.add(index)) {
            out.accept(new ChatChunk.Finish(index, OpenAiResponses.finishReason(choice)));
        }
    }
}
