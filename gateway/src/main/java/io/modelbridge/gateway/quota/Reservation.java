package io.modelbridge.gateway.quota;

import java.math.BigDecimal;

/**
 * Credits set aside for one request under this instance's lease of the user's quota, in memory only, until its
 * usage row is queued (charged to the lease) and the rest goes back to the lease.
 */
public record Reservation(long userId, String requestId, BigDecimal amount, UserLease lease) {}
