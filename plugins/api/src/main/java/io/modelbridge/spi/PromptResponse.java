package io.modelbridge.spi;

import java.util.List;

/**
 * A complete legacy (prompt) completion.
 *
 * @param upstreamId the vendor's id for the response (logged), or null
 * @param choices    one per requested completion
 * @param usage      the vendor's token counts, or null when it sent none (the gateway then counts)
 */
public record PromptResponse(String upstreamId, List<Choice> choices, Usage usage) {
    public PromptResponse {
        if (choices.size() > UpstreamLimits.MAX_CHOICES) {
            throw UpstreamLimits.exceeded(choices.size() + " choices, more than " + UpstreamLimits.MAX_CHOICES);
        }
        choices = List.copyOf(choices);
    }

    /**
     * One completion.
     *
     * @param logprobs the vendor's {@code logprobs} object as plain JSON values (Map/List/String/Number), or null
     */
    public record Choice(int index, String text, Object logprobs, FinishReason finishReason) {
        public Choice {
            UpstreamLimits.choiceIndex(index);
            text = text == null ? "" : text;
        }
    }
}
