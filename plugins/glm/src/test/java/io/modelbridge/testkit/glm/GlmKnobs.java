package io.modelbridge.testkit.glm;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** The GLM-only run-time settings (the shared ones live in SimulatorKnobs); cleared by {@link #reset()}. */
final class GlmKnobs {
    private volatile String finishReason;
    private volatile Instant tokensExpiredUpTo;
    private volatile boolean fragmentToolArguments;
    private final AtomicInteger resets = new AtomicInteger();

    /** Changes on every reset: a request held across one belongs to a finished test and must not take its faults. */
    int generation() {
        return resets.get();
    }

    /** Replaces the natural finish reason (e.g. {@code sensitive}, {@code network_error}); null restores it. */
    void finishReason(String reason) {
        finishReason = reason;
    }

    String finishReason() {
        return finishReason;
    }

    void tokensExpiredUpTo(Instant instant) {
        tokensExpiredUpTo = instant;
    }

    Instant tokensExpiredUpTo() {
        return tokensExpiredUpTo;
    }

    void fragmentToolArguments(boolean fragment) {
        fragmentToolArguments = fragment;
    }

    boolean fragmentToolArguments() {
        return fragmentToolArguments;
    }

    void reset() {
        resets.incrementAndGet();
        finishReason = null;
        tokensExpiredUpTo = null;
        fragmentToolArguments = false;
    }
}
