package io.modelbridge.provider.spark;

import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.UpstreamLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects a relayed answer into one non-streamed {@link ChatResponse}: text joined, calls kept, usage last. The
 * answer is bounded as a non-streamed HTTP body is ({@link UpstreamLimits#MAX_MESSAGE_BYTES}), however many frames.
 */
final class SparkAnswer implements Consumer<ChatChunk> {
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private FinishReason finish = FinishReason.STOP;

    @Override
    public void accept(ChatChunk chunk) {
        switch (chunk) {
            case ChatChunk.TextDelta t -> text.append(t.text());
            case ChatChunk.ReasoningDelta r -> reasoning.append(r.text());
            case ChatChunk.ToolCallDelta c -> calls.add(new ToolCall(c.id(), c.name(), c.argumentsFragment()));
            case ChatChunk.Finish f -> finish = f.reason();
            case ChatChunk.UsageReport u -> { /* taken from the relay's outcome */ }
            case ChatChunk.Fields f -> { /* Spark sends nothing beyond what the chunks model */ }
        }
        if (text.length() + reasoning.length() > UpstreamLimits.MAX_MESSAGE_BYTES || calls.size() > UpstreamLimits.MAX_TOOL_CALLS) {
            throw UpstreamLimits.exceeded("an answer longer than " + UpstreamLimits.MAX_MESSAGE_BYTES
                    + " characters or with more than " + UpstreamLimits.MAX_TOOL_CALLS + " tool calls");
        }
    }

    ChatResponse response(SparkRelay.Outcome outcome) {
        List<ContentPart> content = text.isEmpty() && !calls.isEmpty()
                ? List.of() : List.of(new ContentPart.Text(text.toString()));
        Message message = new Message("assistant", content, null, calls, null,
                reasoning.isEmpty() ? null : reasoning.toString());
        return new ChatResponse(outcome.sid().isEmpty() ? null : outcome.sid(),
                List.of(new ChatResponse.Choice(0, message, finish)), outcome.usage());
    }
}
