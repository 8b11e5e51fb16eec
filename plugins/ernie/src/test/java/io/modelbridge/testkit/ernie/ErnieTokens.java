package io.modelbridge.testkit.ernie;

import io.modelbridge.testkit.SecretLedger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The access tokens the simulator has issued and when each expires. Tokens look like Baidu's ({@code 24.<hex>.
 * <lifetime>.<epoch>.<serial>-sim}); the lifetime is the {@code expires_in} the token endpoint states.
 */
final class ErnieTokens {
    /** Baidu's token lifetime: 30 days. */
    static final Duration DEFAULT_LIFETIME = Duration.ofDays(30);

    /** How a model endpoint sees a token. */
    enum Check { VALID, EXPIRED, UNKNOWN }

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiry = new ConcurrentHashMap<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger expiredAnswers = new AtomicInteger();
    private volatile Duration lifetime = DEFAULT_LIFETIME;
    private volatile boolean rejectAll;

    ErnieTokens(Clock clock) {
        this.clock = clock;
    }

    /** A new token valid for the configured lifetime. */
    String issue() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        Instant now = clock.instant();
        String token = "24." + HexFormat.of().formatHex(bytes) + "." + lifetime.toSeconds() + "."
                + now.getEpochSecond() + "." + issued.incrementAndGet() + "-sim";
        expiry.put(token, now.plus(lifetime));
        SecretLedger.record(token);
        return token;
    }

    Check check(String token) {
        Instant expiresAt = token == null ? null : expiry.get(token);
        if (expiresAt == null) {
            return Check.UNKNOWN;
        }
        if (rejectAll || !clock.instant().isBefore(expiresAt)) {
            expiredAnswers.incrementAndGet();
            return Check.EXPIRED;
        }
        return Check.VALID;
    }

    long lifetimeSeconds() {
        return lifetime.toSeconds();
    }

    void lifetime(Duration value) {
        if (value.toSeconds() < 1) {
            throw new IllegalArgumentException("a token lifetime is at least one second");
        }
        lifetime = value;
    }

    /** Every token issued so far is expired from now on; new ones are valid. */
    void expireAll() {
        Instant now = clock.instant();
        expiry.replaceAll((token, at) -> now);
    }

    /** While true, every token is answered as expired, also fresh ones. */
    void rejectAll(boolean value) {
        rejectAll = value;
    }

    int issued() {
        return issued.get();
    }

    int expiredAnswers() {
        return expiredAnswers.get();
    }

    void reset() {
        lifetime = DEFAULT_LIFETIME;
        rejectAll = false;
    }
}
