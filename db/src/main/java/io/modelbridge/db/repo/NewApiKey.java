package io.modelbridge.db.repo;

import java.time.Instant;
import java.util.List;

/**
 * A key to store: only the SHA-256 of its secret and a display prefix. expiresAt, label, rpm, tpm, responseProfile
 * (the operator's default) may be null.
 */
public record NewApiKey(long userId, String prefix, byte[] keyHash, String label, List<String> allowedModels,
                        List<String> allowedCidrs, Instant expiresAt, Integer rpm, Integer tpm, String responseProfile) {
    public NewApiKey {
        allowedModels = List.copyOf(allowedModels);
        allowedCidrs = List.copyOf(allowedCidrs);
    }

    public NewApiKey(long userId, String prefix, byte[] keyHash, String label, List<String> allowedModels,
                     List<String> allowedCidrs, Instant expiresAt, Integer rpm, Integer tpm) {
        this(userId, prefix, keyHash, label, allowedModels, allowedCidrs, expiresAt, rpm, tpm, null);
    }
}
