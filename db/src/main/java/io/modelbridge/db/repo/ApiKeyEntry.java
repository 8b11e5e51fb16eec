package io.modelbridge.db.repo;

import java.time.Instant;

/**
 * A key as the admin API shows it: the record (where a revoked key reads as disabled) plus the key's own enabled
 * flag and when it was revoked (null: not revoked).
 */
public record ApiKeyEntry(ApiKey key, boolean keyEnabled, Instant revokedAt) {}
