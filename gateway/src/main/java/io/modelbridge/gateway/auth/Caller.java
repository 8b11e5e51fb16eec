package io.modelbridge.gateway.auth;

import io.modelbridge.db.repo.ApiKey;

/** The authenticated client of one request. */
public record Caller(ApiKey key) {

    public long userId() {
        return key.userId();
    }

    public long keyId() {
        return key.id();
    }

    /** Whether this key may call the model the client named (an empty allow-list allows all). */
    public boolean mayUse(String model) {
        return key.allowedModels().isEmpty() || key.allowedModels().contains(model);
    }
}
