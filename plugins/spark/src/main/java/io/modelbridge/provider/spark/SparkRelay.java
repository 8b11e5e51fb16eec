package io.modelbridge.provider.spark;

import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.Usage;
import io.modelbridge.spi.WebSocketSession;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Reads Spark's response frames from an open session and pushes each one's content to the consumer as soon as it
 * arrives, until the frame with status 2: then one {@link ChatChunk.Finish} and the usage. A plain chat collects
 * the same chunks. Exceptions thrown by the consumer are not caught here: the adapter closes the socket (which
 * stops Spark's generation) and lets them propagate.
 */
final class SparkRelay {
    /** What the chunks cannot say: Spark's session id and usage. */
    record Outcome(String sid, Usage usage) {}

    private final SparkCredential credential;
    private final Integer maxTokens;
    private final Consumer<ChatChunk> out;
    private boolean sentText;
    private boolean calledFunction;
    private String sid = "";

    /** @param maxTokens the {@code max_tokens} sent, or null: a completion that long finished for {@code length} */
    SparkRelay(SparkCredential credential, Integer maxTokens, Consumer<ChatChunk> out) {
        this.credential = credential;
        this.maxTokens = maxTokens;
        this.out = out;
    }

    Outcome run(WebSocketSession session) {
        while (true) {
            Optional<String> message = session.receiveText();
            if (message.isEmpty()) {
                throw SparkErrors.protocol("Spark closed the WebSocket before its last frame (status 2)");
            }
            SparkFrame frame;
            try {
                frame = SparkFrame.parse(message.get(), credential);
            } catch (ProviderException e) {
                if (sentText && String.valueOf(SparkErrors.OUTPUT_FILTERED).equals(e.failure().vendorCode())) {
                    out.accept(new ChatChunk.Finish(0, FinishReason.CONTENT_FILTER)); // the rest was withheld
                    return new Outcome(sid, null);
                }
                throw e;
            }
            if (!frame.sid().isEmpty()) {
                sid = frame.sid();
            }
            relay(frame);
            if (frame.last()) {
                out.accept(new ChatChunk.Finish(0, finishReason(frame.usage())));
                if (frame.usage() != null) {
                    out.accept(new ChatChunk.UsageReport(frame.usage()));
                }
                return new Outcome(sid, frame.usage());
            }
        }
    }

    private void relay(SparkFrame frame) {
        if (!frame.reasoning().isEmpty()) {
            out.accept(new ChatChunk.ReasoningDelta(0, frame.reasoning()));
        }
        if (!frame.content().isEmpty()) {
            sentText = true;
            out.accept(new ChatChunk.TextDelta(0, frame.content()));
        }
        if (frame.call() != null) {
            // Spark sends one whole call per answer and no id: ids are made here, as one-api does.
            String id = "call_" + UUID.randomUUID().toString().replace("-", "");
            out.accept(new ChatChunk.ToolCallDelta(0, 0, id, frame.call().name(), frame.call().arguments()));
            calledFunction = true;
        }
    }

    /** Spark has no finish reason: a function call, a completion as long as max_tokens, or a natural stop. */
    private FinishReason finishReason(Usage usage) {
        if (calledFunction) {
            return FinishReason.TOOL_CALLS;
        }
        if (maxTokens != null && usage != null && usage.completionTokens() >= maxTokens) {
            return FinishReason.LENGTH;
        }
        return FinishReason.STOP;
    }
}
