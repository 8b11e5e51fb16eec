package io.modelbridge.db.repo;

import java.time.Instant;
import java.util.List;

/**
 * An API key, never its secret. {@code prefix} is the first characters of the secret, for display.
 * {@code allowedModels} empty means every model the user may use; {@code allowedCidrs} empty means any address.
 * {@code expiresAt}, {@code rpm}, {@code tpm}, {@code lastUsedAt} may be null. {@code responseProfile} is
 * {@code full}, {@code classic}, or null for the operator's default.
 */
public record ApiKey(long id, long userId, String userName, boolean userEnabled, String prefix, String label,
                     List<String> allowedModels, List<String> allowedCidrs, Instant expiresAt, boolean enabled,
                     Integer rpm, Integer tpm, Instant lastUsedAt, Instant createdAt, String responseProfile) {
    public ApiKey {
        allowedModels = List.copyOf(allowedModels);
        allowedCidrs = List.copyOf(allowedCidrs);
    }

    public ApiKey(long id, long userId, String userName, boolean userEnabled, String prefix, String label,
                  List<String> allowedModels, List<String> allowedCidrs, Instant expiresAt, boolean enabled,
                  Integer rpm, Integer tpm, Instant lastUsedAt, Instant createdAt) {
        this(id, userId, userName, userEnabled, prefix, label, allowedModels, allowedCidrs, expiresAt, enabled, rpm, tpm,
                lastUsedAt, createdAt, null);
    }
}
