package io.modelbridge.db.repo;

import java.math.BigDecimal;

/** A lease as its holder sees it after a grant: its id and the credits it may commit in total. */
public record QuotaLease(long id, long userId, BigDecimal granted) {}
