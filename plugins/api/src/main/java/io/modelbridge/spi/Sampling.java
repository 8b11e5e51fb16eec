package io.modelbridge.spi;

import java.util.List;

/**
 * Sampling parameters; each is null when the client did not send it.
 *
 * @param maxTokens {@code max_completion_tokens}, else {@code max_tokens}
 */
public record Sampling(Double temperature, Double topP, Integer maxTokens, List<String> stop, Double presencePenalty,
                       Double frequencyPenalty, Integer n, Long seed) {
    public Sampling {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** The same parameters with another completion-token limit. */
    public Sampling withMaxTokens(Integer limit) {
        return new Sampling(temperature, topP, limit, stop, presencePenalty, frequencyPenalty, n, seed);
    }

    public static Sampling none() {
        return new Sampling(null, null, null, List.of(), null, null, null, null);
    }
}
