package io.modelbridge.db.repo;

import java.math.BigDecimal;

/**
 * Totals of a group of usage rows; {@code group} is null for the grand total or rows with no value. The cached prompt
 * and reasoning token totals count only rows whose upstream reported them.
 */
public record UsageTotals(String group, long requests, long promptTokens, long completionTokens,
                          long cachedPromptTokens, long reasoningTokens, BigDecimal cost, long errors) {}
