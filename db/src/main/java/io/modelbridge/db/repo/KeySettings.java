package io.modelbridge.db.repo;

import java.time.Instant;
import java.util.List;

/** The editable part of an API key; label, expiresAt, rpm, tpm, responseProfile (the default's) may be null. */
public record KeySettings(String label, List<String> allowedModels, List<String> allowedCidrs, Instant expiresAt,
                          boolean enabled, Integer rpm, Integer tpm, String responseProfile) {
    public KeySettings {
        allowedModels = List.copyOf(allowedModels);
        allowedCidrs = List.copyOf(allowedCidrs);
    }

    public KeySettings(String label, List<String> allowedModels, List<String> allowedCidrs, Instant expiresAt,
                       boolean enabled, Integer rpm, Integer tpm) {
        this(label, allowedModels, allowedCidrs, expiresAt, enabled, rpm, tpm, null);
    }
}
