package io.modelbridge.db.repo;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A user; {@code role} is "user" or "admin", email may be null. {@code quotaBalance} is the ledger's balance;
 * {@code quotaLeft} is what is left now: the balance less the answered requests on open leases, which the ledger
 * charges only when a lease closes.
 */
public record User(long id, String name, String email, String role, boolean enabled, BigDecimal quotaBalance,
                   BigDecimal quotaLeft, Instant createdAt) {}
