package io.modelbridge.spi;

/**
 * One piece of a streamed completion. The gateway turns these into OpenAI {@code chat.completion.chunk} events
 * and assigns the id, creation time and model the client sees.
 */
public sealed interface ChatChunk {

    /** New assistant text for choice {@code index}. */
    record TextDelta(int index, String text) implements ChatChunk {}

    /** New reasoning text (DeepSeek's {@code reasoning_content}). */
    record ReasoningDelta(int index, String text) implements ChatChunk {}

    /**
     * Part of a tool call. The first delta of a call carries its id and name; later ones carry only argument
     * fragments, which the client concatenates per {@code callIndex}.
     */
    record ToolCallDelta(int index, int callIndex, String id, String name, String argumentsFragment)
            implements ChatChunk {}

    /** Choice {@code index} is complete. */
    record Finish(int index, FinishReason reason) implements ChatChunk {}

    /** The vendor's token counts for the whole call. */
    record UsageReport(Usage usage) implements ChatChunk {}
}
