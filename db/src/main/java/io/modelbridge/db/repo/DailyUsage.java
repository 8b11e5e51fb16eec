package io.modelbridge.db.repo;

import java.time.LocalDate;

/**
 * One UTC day's requests and tokens (prompt + completion) for one alias, with the prompt tokens read from the
 * vendor's cache and the completion tokens spent on reasoning (as far as the vendor reported them); alias is null for
 * unrouted requests.
 */
public record DailyUsage(LocalDate day, String alias, long requests, long tokens, long cachedPromptTokens,
                         long reasoningTokens) {

    /** A day without cached or reasoning tokens. */
    public DailyUsage(LocalDate day, String alias, long requests, long tokens) {
        this(day, alias, requests, tokens, 0, 0);
    }
}
