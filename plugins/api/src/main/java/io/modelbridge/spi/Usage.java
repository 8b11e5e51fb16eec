package io.modelbridge.spi;

/**
 * Token counts of one call, each within 0..{@link UpstreamLimits#MAX_TOKENS} (they become money).
 *
 * @param cachedPromptTokens the part of the prompt tokens the vendor served from its prompt cache (OpenAI's
 *                           {@code prompt_tokens_details.cached_tokens}); null when the upstream did not report it
 * @param reasoningTokens    the part of the completion tokens spent on reasoning (OpenAI's
 *                           {@code completion_tokens_details.reasoning_tokens}); null when not reported
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens, Integer cachedPromptTokens,
                    Integer reasoningTokens) {
    public Usage {
        UpstreamLimits.tokens(promptTokens);
        UpstreamLimits.tokens(completionTokens);
        if (totalTokens < 0 || totalTokens > 2 * UpstreamLimits.MAX_TOKENS) {
            throw UpstreamLimits.exceeded("total token count " + totalTokens + " is outside 0.." + 2 * UpstreamLimits.MAX_TOKENS);
        }
        // a part never exceeds its whole: a vendor's odd detail must not bill more cached tokens than prompt tokens
        cachedPromptTokens = cachedPromptTokens == null ? null : Math.min(UpstreamLimits.tokens(cachedPromptTokens), promptTokens);
        reasoningTokens = reasoningTokens == null ? null : Math.min(UpstreamLimits.tokens(reasoningTokens), completionTokens);
    }

    /** Without details (the SPI's original form, kept for plugins built against it). */
    public Usage(int promptTokens, int completionTokens, int totalTokens) {
        this(promptTokens, completionTokens, totalTokens, null, null);
    }

    public static Usage of(int promptTokens, int completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
    }

    /** With the cached prompt and reasoning token counts, each null when the upstream did not report it. */
    public static Usage of(int promptTokens, int completionTokens, Integer cachedPromptTokens, Integer reasoningTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens, cachedPromptTokens,
                reasoningTokens);
    }

    /** The prompt tokens read from the cache, 0 when none were reported. */
    public int cachedOrZero() {
        return cachedPromptTokens == null ? 0 : cachedPromptTokens;
    }
}
