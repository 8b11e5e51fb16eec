package io.modelbridge.db.repo;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One quota ledger row. {@code kind}: grant, reserve, settle, refund, adjust; {@code amount} is signed (credits
 * added to the balance); requestId and note may be null.
 */
public record LedgerEntry(long id, long userId, String kind, BigDecimal amount, BigDecimal balanceAfter,
                          String requestId, String note, Instant createdAt) {}
