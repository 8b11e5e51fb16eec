package io.modelbridge.spi;

import java.util.Map;

/**
 * An OpenAI legacy completion request ({@code POST /v1/completions}) as the gateway parsed it, for adapters that
 * implement {@link PromptCompletions}.
 *
 * @param model        the upstream model name (the gateway has already resolved aliases)
 * @param prompt       the one prompt
 * @param suffix       the text after the completion (fill-in-the-middle), or null
 * @param stream       whether the client asked for a stream
 * @param includeUsage {@code stream_options.include_usage}
 * @param sampling     sampling parameters (max_tokens, temperature, top_p, n, stop, penalties, seed)
 * @param user         the end-user id the client sent, or null
 * @param extras       every other top-level field, untouched ({@code echo}, {@code logprobs}, {@code best_of}, ...)
 */
public record PromptRequest(String model, String prompt, String suffix, boolean stream, boolean includeUsage,
                            Sampling sampling, String user, Map<String, Object> extras) {
    public PromptRequest {
        extras = JsonValues.copy(extras);
    }

    /** The same request addressed to another upstream model. */
    public PromptRequest withModel(String upstreamModel) {
        return new PromptRequest(upstreamModel, prompt, suffix, stream, includeUsage, sampling, user, extras);
    }

    /** The same request with another completion-token limit per choice. */
    public PromptRequest withMaxTokens(int limit) {
        Sampling s = sampling == null ? Sampling.none() : sampling;
        return new PromptRequest(model, prompt, suffix, stream, includeUsage, s.withMaxTokens(limit), user, extras);
    }
}
