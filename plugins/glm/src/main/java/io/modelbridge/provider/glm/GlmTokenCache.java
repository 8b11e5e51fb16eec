package io.modelbridge.provider.glm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed JWTs per channel credential, reused until {@link #REFRESH_MARGIN} before they expire. Zhipu was seen to
 * refuse tokens with less than about 134 s left (STranslate/STranslate#670), so a cached token is never handed
 * out with less than three minutes to go. Bounded: past {@link #MAX_ENTRIES} credentials expired entries go, and if
 * that is not enough the cache starts over (tokens are cheap to sign).
 */
final class GlmTokenCache {
    static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    static final Duration REFRESH_MARGIN = Duration.ofMinutes(3);
    static final Duration MIN_TTL = REFRESH_MARGIN.plusMinutes(1);
    static final int MAX_ENTRIES = 256;

    private final Map<Key, Signed> tokens = new ConcurrentHashMap<>();

    private record Key(String id, String secret, Duration ttl) {
        @Override
        public String toString() {
            return "Key[id=" + id + "]";
        }
    }

    /** A token and the instant Zhipu stops accepting it. */
    record Signed(String token, Instant expiresAt) {
        boolean usableAt(Instant now) {
            return now.plus(REFRESH_MARGIN).isBefore(expiresAt);
        }
    }

    /** A token valid for at least {@link #REFRESH_MARGIN}: the cached one, or a fresh one signed now. */
    String token(GlmCredential credential, Duration ttl, Clock clock) {
        Instant now = clock.instant();
        Key key = new Key(credential.id(), credential.secret(), ttl);
        Signed cached = tokens.get(key);
        if (cached != null && cached.usableAt(now)) {
            return cached.token();
        }
        makeRoom(now);
        return tokens.compute(key, (k, old) -> old != null && old.usableAt(now) ? old
                : new Signed(GlmTokenSigner.sign(credential, now, now.plus(ttl)), now.plus(ttl))).token();
    }

    /** Forgets {@code token} (Zhipu called it expired); a token signed meanwhile by another call is kept. */
    void invalidate(GlmCredential credential, Duration ttl, String token) {
        tokens.computeIfPresent(new Key(credential.id(), credential.secret(), ttl),
                (k, old) -> old.token().equals(token) ? null : old);
    }

    int size() {
        return tokens.size();
    }

    private void makeRoom(Instant now) {
        if (tokens.size() < MAX_ENTRIES) {
            return;
        }
        tokens.values().removeIf(s -> !s.usableAt(now));
        if (tokens.size() >= MAX_ENTRIES) {
            tokens.clear();
        }
    }
}
