package io.modelbridge.spi;

/** Token counts of one call, each within 0..{@link UpstreamLimits#MAX_TOKENS} (they become money). */
public record Usage(int promptTokens, int completionTokens, int totalTokens) {
    public Usage {
        UpstreamLimits.tokens(promptTokens);
        UpstreamLimits.tokens(completionTokens);
        if (totalTokens < 0 || totalTokens > 2 * UpstreamLimits.MAX_TOKENS) {
            throw UpstreamLimits.exceeded("total token count " + totalTokens + " is outside 0.." + 2 * UpstreamLimits.MAX_TOKENS);
        }
    }

    public static Usage of(int promptTokens, int completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
    }
}
