package io.modelbridge.gateway.portal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AttemptLimiterTest {
    private final AttemptLimiter limiter = new AttemptLimiter();
    private final AttemptLimiter.Budget budget = new AttemptLimiter.Budget("test", 5, 2, Duration.ofMinutes(10));

    @Test
    void oneEmailGetsItsOwnBudgetFromAnyAddress() {
        assertFalse(limiter.tryAttempt(budget, "10.0.0.1", "a@example.com").isPresent());
        assertFalse(limiter.tryAttempt(budget, "10.0.0.2", "a@example.com").isPresent());
        assertTrue(limiter.tryAttempt(budget, "10.0.0.3", "a@example.com").isPresent(), "third try on one email");
        assertFalse(limiter.tryAttempt(budget, "10.0.0.3", "b@example.com").isPresent(), "other emails go on");
    }

    @Test
    void oneAddressGetsItsOwnBudgetAcrossEmails() {
        for (int i = 0; i < 5; i++) {
            assertFalse(limiter.tryAttempt(budget, "10.0.0.9", "user" + i + "@example.com").isPresent());
        }
        long wait = limiter.tryAttempt(budget, "10.0.0.9", "fresh@example.com").orElseThrow();
        assertTrue(wait >= 1 && wait <= 121, "waits for one attempt's refill, got " + wait + " s");
        assertFalse(limiter.tryAttempt(budget, "10.0.0.10", "fresh@example.com").isPresent());
    }

    @Test
    void theActionsHaveSeparateBudgets() {
        for (int i = 0; i < AttemptLimiter.LOGIN.perEmail(); i++) {
            limiter.tryAttempt(AttemptLimiter.LOGIN, "10.1.1.1", "c@example.com");
        }
        assertTrue(limiter.tryAttempt(AttemptLimiter.LOGIN, "10.1.1.1", "c@example.com").isPresent());
        assertFalse(limiter.tryAttempt(AttemptLimiter.RESET, "10.1.1.1", "c@example.com").isPresent());
    }
}
