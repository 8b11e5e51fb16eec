package io.modelbridge.db.repo;

import java.time.Instant;

/** A signed-in browser: the account and, once confirmed, its user. */
public record PortalSession(long accountId, String email, Long userId, Instant expiresAt) {}
