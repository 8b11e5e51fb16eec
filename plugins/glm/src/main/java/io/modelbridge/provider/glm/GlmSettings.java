package io.modelbridge.provider.glm;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderSettings;
import java.time.Duration;

/** The channel extras the GLM plugin reads; a bad value is the operator's error, reported like a bad credential. */
final class GlmSettings {
    static final String AUTH = "auth";
    static final String TOKEN_TTL = "token-ttl-seconds";
    static final String EMBEDDING_BATCH = "embedding-batch-size";

    private GlmSettings() {}

    /** True for {@code auth=api-key} (send {@code Bearer id.secret}); false for the default {@code jwt}. */
    static boolean sendsRawKey(ProviderSettings settings) {
        String mode = settings.extras().getOrDefault(AUTH, "jwt").strip();
        return switch (mode) {
            case "jwt", "" -> false;
            case "api-key" -> true;
            default -> throw misconfigured(AUTH + " must be 'jwt' or 'api-key', not '" + mode + "'");
        };
    }

    static Duration tokenTtl(ProviderSettings settings) {
        String value = settings.extras().get(TOKEN_TTL);
        if (value == null || value.isBlank()) {
            return GlmTokenCache.DEFAULT_TTL;
        }
        long seconds = number(TOKEN_TTL, value);
        if (seconds < GlmTokenCache.MIN_TTL.toSeconds()) {
            throw misconfigured(TOKEN_TTL + " must be at least " + GlmTokenCache.MIN_TTL.toSeconds());
        }
        return Duration.ofSeconds(seconds);
    }

    static int embeddingBatchSize(ProviderSettings settings) {
        String value = settings.extras().get(EMBEDDING_BATCH);
        if (value == null || value.isBlank()) {
            return GlmAdapter.MAX_EMBEDDING_BATCH;
        }
        long size = number(EMBEDDING_BATCH, value);
        if (size < 1 || size > GlmAdapter.MAX_EMBEDDING_BATCH) {
            throw misconfigured(EMBEDDING_BATCH + " must be between 1 and " + GlmAdapter.MAX_EMBEDDING_BATCH);
        }
        return (int) size;
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw misconfigured(name + " must be a whole number, not '" + value + "'");
        }
    }

    /**
     * A channel configuration error: failing over is right (another channel may be configured well), and the
     * client sees the gateway's 502 for an upstream credential problem, naming the channel.
     */
    private static ProviderException misconfigured(String message) {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.AUTH, "channel extra " + message));
    }
}
