package io.modelbridge.db.repo;

import java.math.BigDecimal;

/**
 * A quota ledger row of the versions before one row per request, replayed from their spill file: {@code amount}
 * is signed (credits added to the balance). {@code kind} is one of reserve, settle, refund. requestId, leaseId and
 * note may be null.
 */
public record LedgerPosting(long userId, String kind, BigDecimal amount, String requestId, Long leaseId,
                            String note) {}
