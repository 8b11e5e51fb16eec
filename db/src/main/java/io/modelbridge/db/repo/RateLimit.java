package io.modelbridge.db.repo;

/**
 * A rate limit. {@code scope}: global, user, key or model; {@code subject}: "" for global, the user's name, the
 * key's id, or the model name. rpm and tpm may be null (no limit on that dimension).
 */
public record RateLimit(String scope, String subject, Integer rpm, Integer tpm) {}
