package io.modelbridge.db.repo;

import java.math.BigDecimal;
import java.time.Instant;

/** A user; {@code quotaBalance} is the credits left, {@code role} is "user" or "admin", email may be null. */
public record User(long id, String name, String email, String role, boolean enabled, BigDecimal quotaBalance,
                   Instant createdAt) {}
