package io.modelbridge.db.repo;

import java.math.BigDecimal;

/** Totals of a group of usage rows; {@code group} is null for the grand total or rows with no value. */
public record UsageTotals(String group, long requests, long promptTokens, long completionTokens, BigDecimal cost,
                          long errors) {}
