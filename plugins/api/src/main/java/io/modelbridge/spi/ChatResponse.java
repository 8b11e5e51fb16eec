package io.modelbridge.spi;

import java.util.List;
import java.util.Map;

/**
 * A complete chat completion.
 *
 * @param upstreamId the vendor's id for the response (logged), or null
 * @param choices    one per requested completion
 * @param usage      the vendor's token counts, or null when it sent none (the gateway then counts)
 * @param extras     top-level fields the vendor sent that these types do not model ({@code system_fingerprint},
 *                   {@code service_tier}), as plain JSON values (maps, lists, strings, numbers, booleans, null),
 *                   passed to the client as they came
 */
public record ChatResponse(String upstreamId, List<Choice> choices, Usage usage, Map<String, Object> extras) {
    public ChatResponse {
        if (choices.size() > UpstreamLimits.MAX_CHOICES) {
            throw UpstreamLimits.exceeded(choices.size() + " choices, more than " + UpstreamLimits.MAX_CHOICES);
        }
        choices = List.copyOf(choices);
        extras = JsonValues.copy(extras);
    }

    public ChatResponse(String upstreamId, List<Choice> choices, Usage usage) {
        this(upstreamId, choices, usage, Map.of());
    }

    /** One completion; {@code extras} are the choice's fields these types do not model ({@code logprobs}). */
    public record Choice(int index, Message message, FinishReason finishReason, Map<String, Object> extras) {
        public Choice {
            UpstreamLimits.choiceIndex(index);
            extras = JsonValues.copy(extras);
        }

        public Choice(int index, Message message, FinishReason finishReason) {
            this(index, message, finishReason, Map.of());
        }
    }
}
