package io.modelbridge.gateway.limits;

import io.modelbridge.db.repo.RateLimit;
import io.modelbridge.gateway.auth.Caller;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the configured rate limits. A request is held to every limit that names it (global,
 * its user, its key, its model); the key's own rpm/tpm and a key-scope limit combine into the lower of the two.
 */
final class LimitTable {
    private final Map<String, RateLimit> byScopeAndSubject = new HashMap<>();

    LimitTable(List<RateLimit> limits) {
        limits.forEach(l -> byScopeAndSubject.put(l.scope() + "\u0000" + l.subject(), l));
    }

    static LimitTable empty() {
        return new LimitTable(List.of());
    }

    /** The limits for a caller and model, requests first. */
    List<Limit> applicable(Caller caller, String model) {
        List<Limit> limits = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            add(limits, "global", "", d, value(find("global", ""), d));
            add(limits, "user", caller.key().userName(), d, value(find("user", caller.key().userName()), d));
            String keyId = String.valueOf(caller.keyId());
            Integer own = d == Dimension.REQUESTS ? caller.key().rpm() : caller.key().tpm();
            add(limits, "key", keyId, d, min(value(find("key", keyId), d), own));
            add(limits, "model", model, d, value(find("model", model), d));
        }
        return limits;
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
