package io.modelbridge.spi;

import java.util.Map;

/**
 * One piece of a streamed completion. The gateway turns these into OpenAI {@code chat.completion.chunk} events
 * and assigns the id, creation time and model the client sees. Indexes out of {@link UpstreamLimits}' bounds are
 * refused as a {@code PROTOCOL} failure when the chunk is built.
 */
public sealed interface ChatChunk {

    /** New assistant text for choice {@code index}. */
    record TextDelta(int index, String text) implements ChatChunk {
        public TextDelta {
            UpstreamLimits.choiceIndex(index);
        }
    }

    /** New reasoning text (DeepSeek's {@code reasoning_content}). */
    record ReasoningDelta(int index, String text) implements ChatChunk {
        public ReasoningDelta {
            UpstreamLimits.choiceIndex(index);
        }
    }

    /**
     * Part of a tool call. The first delta of a call carries its id and name; later ones carry only argument
     * fragments, which the client concatenates per {@code callIndex}.
     */
    record ToolCallDelta(int index, int callIndex, String id, String name, String argumentsFragment)
            implements ChatChunk {
        public ToolCallDelta {
            UpstreamLimits.choiceIndex(index);
            UpstreamLimits.toolCallIndex(callIndex);
        }
    }

    /** Choice {@code index} is complete. */
    record Finish(int index, FinishReason reason) implements ChatChunk {
        public Finish {
            UpstreamLimits.choiceIndex(index);
        }
    }

    /**
     * Fields of one upstream event that the other chunks do not model, as plain JSON values: at the event's top level
     * ({@code system_fingerprint}, {@code service_tier}), on choice {@code index} ({@code logprobs}) and in its delta
     * ({@code refusal}, {@code annotations}, a {@code content} of null or ""). A parser sends it before the event's
     * other chunks; the gateway writes the fields into the client's event for that choice, as they came.
     */
    record Fields(int index, Map<String, Object> event, Map<String, Object> choice, Map<String, Object> delta)
            implements ChatChunk {
        public Fields {
            UpstreamLimits.choiceIndex(index);
            event = JsonValues.copy(event);
            choice = JsonValues.copy(choice);
            delta = JsonValues.copy(delta);
        }
    }

    /** The vendor's token counts for the whole call. */
    record UsageReport(Usage usage) implements ChatChunk {}
}
