package io.modelbridge.gateway.quota;

import java.math.BigDecimal;

/** Credits set aside for one request under this instance's lease of the user's quota, until it is settled. */
public record Reservation(long userId, String requestId, BigDecimal amount, UserLease lease) {}
