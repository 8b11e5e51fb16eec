package io.modelbridge.gateway.limits;

import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.RateLimit;
import io.modelbridge.gateway.auth.Caller;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable snapshot of the configured rate limits. A request is held to every limit that names it (global,
 * its user, its key, its model); the key's own rpm/tpm and a key-scope limit combine into the lower of the two.
 * The limits of a caller and model are worked out once per snapshot and kept (at most {@link #MAX_CACHED} sets), so
 * a request builds no {@link Limit} and no bucket key.
 */
final class LimitTable {
    /** Caller and model combinations kept; past it the cache starts over (each set is cheap to rebuild). */
    static final int MAX_CACHED = 10_000;
    private final Map<String, RateLimit> byScopeAndSubject = new HashMap<>();
    private final Map<Subject, Applicable> cache = new ConcurrentHashMap<>();

    LimitTable(List<RateLimit> limits) {
        limits.forEach(l -> byScopeAndSubject.put(l.scope() + "\u0000" + l.subject(), l));
    }

    static LimitTable empty() {
        return new LimitTable(List.of());
    }

    /** Everything about a request that decides which limits apply to it. */
    private record Subject(String userName, long keyId, Integer keyRpm, Integer keyTpm, String model) {}

    /**
     * The limits of one caller and model, requests first, and among them those on tokens (in the same order).
     * Shared between requests: never modified.
     */
    record Applicable(Limit[] all, Limit[] tokens) {
        static final Applicable NONE = new Applicable(new Limit[0], new Limit[0]);

        boolean isEmpty() {
            return all.length == 0;
        }
    }

    /** The limits for a caller and model, requests first. */
    Applicable applicable(Caller caller, String model) {
        ApiKey key = caller.key();
        Subject subject = new Subject(key.userName(), key.id(), key.rpm(), key.tpm(), model);
        Applicable found = cache.get(subject);
        if (found == null) {
            found = build(subject);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(subject, found);
        }
        return found;
    }

    int cached() {
        return cache.size();
    }

    private Applicable build(Subject s) {
        List<Limit> limits = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            add(limits, "global", "", d, value(find("global", ""), d));
            add(limits, "user", s.userName(), d, value(find("user", s.userName()), d));
            String keyId = String.valueOf(s.keyId());
            Integer own = d == Dimension.REQUESTS ? s.keyRpm() : s.keyTpm();
            add(limits, "key", keyId, d, min(value(find("key", keyId), d), own));
            add(limits, "model", s.model(), d, value(find("model", s.model()), d));
        }
        if (limits.isEmpty()) {
            return Applicable.NONE;
        }
        return new Applicable(limits.toArray(Limit[]::new),
                limits.stream().filter(l -> l.dimension() == Dimension.TOKENS).toArray(Limit[]::new));
    }

    private RateLimit find(String scope, String subject) {
        return byScopeAndSubject.get(scope + "\u0000" + subject);
    }

    private static Integer value(RateLimit limit, Dimension d) {
        if (limit == null) {
            return null;
        }
        return d == Dimension.REQUESTS ? limit.rpm() : limit.tpm();
    }

    private static Integer min(Integer a, Integer b) {
        return a == null ? b : b == null ? a : Integer.valueOf(Math.min(a, b));
    }

    private static void add(List<Limit> limits, String scope, String subject, Dimension d, Integer perMinute) {
        if (perMinute != null && perMinute > 0) {
            limits.add(Limit.of(scope, subject, d, perMinute));
        }
    }
}
