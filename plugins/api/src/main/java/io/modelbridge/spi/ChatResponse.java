package io.modelbridge.spi;

import java.util.List;

/**
 * A complete chat completion.
 *
 * @param upstreamId the vendor's id for the response (logged), or null
 * @param choices    one per requested completion
 * @param usage      the vendor's token counts, or null when it sent none (the gateway then counts)
 */
public record ChatResponse(String upstreamId, List<Choice> choices, Usage usage) {
    public ChatResponse {
        if (choices.size() > UpstreamLimits.MAX_CHOICES) {
            throw UpstreamLimits.exceeded(choices.size() + " choices, more than " + UpstreamLimits.MAX_CHOICES);
        }
        choices = List.copyOf(choices);
    }

    /** One completion. */
    public record Choice(int index, Message message, FinishReason finishReason) {
        public Choice {
            UpstreamLimits.choiceIndex(index);
        }
    }
}
