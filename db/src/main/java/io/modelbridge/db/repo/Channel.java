package io.modelbridge.db.repo;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An upstream channel: one provider account. {@code credentialSealed} is the AES-GCM sealed credential
 * (the gateway's CredentialCipher); {@code baseUrl} is "" for the vendor's public endpoint; {@code responsesNative}:
 * the upstream serves the Responses API itself (POST /v1/responses is passed through, not translated).
 */
public record Channel(long id, String name, String provider, String baseUrl, byte[] credentialSealed,
                      List<String> models, int priority, int weight, boolean enabled, int connectTimeoutMs,
                      int readTimeoutMs, Map<String, String> extras, boolean responsesNative, Instant createdAt) {
    public Channel {
        models = List.copyOf(models);
        extras = Map.copyOf(extras);
    }
}
