package io.modelbridge.testkit.glm;

import java.time.Instant;

/** The GLM-only run-time settings (the shared ones live in SimulatorKnobs); cleared by {@link #reset()}. */
final class GlmKnobs {
    private volatile String finishReason;
    private volatile Instant tokensExpiredUpTo;
    private volatile boolean fragmentToolArguments;

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
        finishReason = null;
        tokensExpiredUpTo = null;
        fragmentToolArguments = false;
    }
}
