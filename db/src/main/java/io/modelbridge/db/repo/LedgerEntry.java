package io.modelbridge.db.repo;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One quota ledger row. {@code kind}: grant, adjust (the admin API), charge (a quota lease's close: the costs of the
 * usage rows charged to it), or reserve, settle, refund (per request, written by versions before one row per
 * request); {@code amount} is signed (credits added to the balance); requestId and note may be null.
 */
public record LedgerEntry(long id, long userId, String kind, BigDecimal amount, BigDecimal balanceAfter,
                          String requestId, String note, Instant createdAt) {}
