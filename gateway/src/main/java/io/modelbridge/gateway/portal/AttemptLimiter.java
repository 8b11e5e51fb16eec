package io.modelbridge.gateway.portal;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.modelbridge.gateway.cache.Caches;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Slows down password guessing and sign-up floods: each action has a budget per client address and per email
 * address, refilled over a window. Buckets live in a bounded cache on this instance.
 */
final class AttemptLimiter {
    /** An action's budgets: attempts per window, per address and per email. */
    record Budget(String action, int perAddress, int perEmail, Duration window) {}

    static final Budget SIGN_UP = new Budget("signup", 30, 3, Duration.ofMinutes(10));
    static final Budget LOGIN = new Budget("login", 30, 10, Duration.ofMinutes(10));
    static final Budget RESET = new Budget("reset", 10, 3, Duration.ofMinutes(10));
    static final Budget CODE = new Budget("code", 30, 10, Duration.ofMinutes(10));

    private final Cache<String, Bucket> buckets = Caches.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1)).build();

    /** Takes one attempt from both budgets; the seconds to wait when either is spent. */
    OptionalLong tryAttempt(Budget budget, String address, String email) {
        OptionalLong wait = take(budget, "ip:" + address, budget.perAddress());
        if (wait.isPresent() || email.isEmpty()) {
            return wait;
        }
        return take(budget, "email:" + email, budget.perEmail());
    }

    private OptionalLong take(Budget budget, String subject, int capacity) {
        Bucket bucket = buckets.get(budget.action() + "|" + subject, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, budget.window()).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? OptionalLong.empty()
                : OptionalLong.of(Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1));
    }
}
