package io.modelbridge.provider.deepseek;

import static io.modelbridge.provider.deepseek.DeepSeekJson.protocol;
import static io.modelbridge.provider.deepseek.DeepSeekJson.text;

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
 * Turns DeepSeek's SSE stream into {@link ChatChunk}s as the events arrive. DeepSeek's stream is OpenAI's with
 * three differences handled here: {@code : keep-alive} comment lines while the request waits (skipped by
 * {@link SseReader}), {@code delta.reasoning_content} from the reasoner (first an empty string, then the thinking,
 * then {@code null} once the answer starts), and the {@code insufficient_system_resource} finish reason. Usage may
 * come on the finish chunk and on the trailing {@code choices: []} chunk; it is reported once, at the end.
 * Exceptions thrown by the consumer are not caught: the adapter closes the reply and lets them propagate.
 */
final class DeepSeekStreamParser {
    private final String credential;
    private final Consumer<ChatChunk> out;
    private final Set<Integer> finished = new HashSet<>();
    private Usage usage;

    DeepSeekStreamParser(String credential, Consumer<ChatChunk> out) {
        this.credential = credential;
        this.out = out;
    }

    void parse(InputStream body) {
        SseReader reader = new SseReader(body);
        while (true) {
            Optional<SseEvent> event = next(reader);
            if (event.isEmpty()) {
                if (finished.isEmpty()) {
                    throw protocol("DeepSeek stream ended early: no finish_reason and no [DONE]");
                }
                break;
            }
            String data = event.get().data().strip();
            if (data.equals("[DONE]")) {
                break;
            }
            if (!data.isEmpty()) {
                chunk(data);
            }
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
                    "DeepSeek stream ended early: connection lost before [DONE]"), e);
        }
    }

    private void chunk(String data) {
        JsonNode chunk = DeepSeekJson.parse(data).filter(JsonNode::isObject)
                .orElseThrow(() -> protocol("malformed DeepSeek stream event: " + DeepSeekErrors.excerpt(data)));
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            throw DeepSeekErrors.fromStreamError(error, credential);
        }
        for (JsonNode choice : chunk.path("choices")) {
            choice(choice);
        }
        Usage reported = DeepSeekResponses.usage(chunk.get("usage"));
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
            JsonNode function = call.path("function");
            out.accept(new ChatChunk.ToolCallDelta(index, call.path("index").asInt(position), text(call, "id"),
                    text(function, "name"), function.path("arguments").asText("")));
            position++;
        }
        String finish = text(choice, "finish_reason");
        if (finish != null && finished.add(index)) {
            out.accept(new ChatChunk.Finish(index, DeepSeekResponses.finishReason(finish)));
        }
    }
}
