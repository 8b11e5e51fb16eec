package io.modelbridge.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.modelbridge.db.repo.ApiKeyRecord;
import io.modelbridge.db.repo.ApiKeyRepository;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Bearer-key authentication. Keys are looked up by their SHA-256 in a bounded cache (misses too, so a flood of
 * bad keys does not reach the database); the cache is dropped on every key change.
 */
public final class KeyAuthenticator {
    private final ApiKeyRepository keys;
    private final Clock clock;
    private final LastUsedTracker lastUsed;
    private final Cache<ByteBuffer, Optional<ApiKeyRecord>> cache = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofSeconds(30))
            .build();

    public KeyAuthenticator(ApiKeyRepository keys, Clock clock, LastUsedTracker lastUsed) {
        this.keys = keys;
        this.clock = clock;
        this.lastUsed = lastUsed;
    }

    /** The caller for an {@code Authorization} header value, or a 401 in OpenAI's words. */
    public Caller authenticate(Optional<String> authorization) {
        String secret = authorization.map(String::strip)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip())
                .filter(s -> !s.isEmpty())
                .orElseThrow(() -> new GatewayException(ApiError.invalidApiKey(
                        "You didn't provide an API key. You need to provide your API key in an Authorization header "
                                + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")));
        ApiKeyRecord key = cache.get(ByteBuffer.wrap(ApiKeys.hash(secret)), h -> keys.findByHash(h.array()))
                .orElseThrow(() -> new GatewayException(ApiError.invalidApiKey(
                        "Incorrect API key provided: " + mask(secret) + ".")));
        if (!key.enabled() || !key.userEnabled()) {
            throw new GatewayException(ApiError.invalidApiKey("This API key has been revoked or disabled."));
        }
        if (key.expiresAt() != null && !clock.instant().isBefore(key.expiresAt())) {
            throw new GatewayException(ApiError.invalidApiKey("This API key expired at " + key.expiresAt() + "."));
        }
        lastUsed.touch(key.id(), clock.instant());
        return new Caller(key);
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }

    /** OpenAI's style: the first and last few characters only. */
    static String mask(String secret) {
        return secret.length() <= 10 ? "***" : secret.substring(0, 6) + "***" + secret.substring(secret.length() - 4);
    }
}
