package io.modelbridge.gateway.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker per channel, on this instance. {@code failures} consecutive failures open a channel for
 * {@code openFor}; then one trial request goes through (half-open): success closes the breaker, failure opens it
 * for another period. Requests are not sent to an open channel at all.
 */
public final class CircuitBreakers {
    /** What a breaker lets through. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** A breaker as the admin API shows it; {@code retryAt} is set while open. */
    public record Snapshot(State state, int consecutiveFailures, Optional<Instant> retryAt) {}

    private final ConcurrentHashMap<String, Breaker> breakers = new ConcurrentHashMap<>();
    private final int failures;
    private final Duration openFor;
    private final Clock clock;

    public CircuitBreakers(int failures, Duration openFor, Clock clock) {
        this.failures = failures;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** The right to send one call to the channel, or empty while its breaker is open (or its trial is out). */
    public Optional<Permit> tryAcquire(String channel) {
        Breaker b = breakers.get(channel); // a plain read on every call after the channel's first
        if (b == null) {
            b = breakers.computeIfAbsent(channel, c -> new Breaker());
        }
        Breaker breaker = b;
        return breaker.acquire(clock.instant()).map(trial -> new Permit(breaker, trial));
    }

    public Snapshot snapshot(String channel) {
        Breaker b = breakers.get(channel);
        return b == null ? new Snapshot(State.CLOSED, 0, Optional.empty()) : b.snapshot();
    }

    /** How long until the first of these channels takes a trial request again; zero if one is not open. */
    public Duration retryIn(Collection<String> channels) {
        Instant now = clock.instant();
        Duration soonest = null;
        for (String channel : channels) {
            Optional<Instant> at = snapshot(channel).retryAt();
            Duration wait = at.map(t -> Duration.between(now, t)).filter(d -> !d.isNegative()).orElse(Duration.ZERO);
            soonest = soonest == null || wait.compareTo(soonest) < 0 ? wait : soonest;
        }
        return soonest == null ? Duration.ZERO : soonest;
    }

    /** Closes the channel's breaker (a successful channel test, a changed configuration). */
    public void reset(String channel) {
        breakers.remove(channel);
    }

    /** After routes reload: forgets channels that are gone and resets those whose settings changed. */
    public void reconcile(Map<String, ChannelRoute> before, Map<String, ChannelRoute> after) {
        before.forEach((name, route) -> {
            if (!route.equals(after.get(name))) {
                reset(name);
            }
        });
    }

    /** The outcome of one permitted call; closing without an outcome frees a half-open trial for another request. */
    public static final class Permit implements AutoCloseable {
        private final Breaker breaker;
        private final boolean trial;
        private boolean reported;

        private Permit(Breaker breaker, boolean trial) {
            this.breaker = breaker;
            this.trial = trial;
        }

        public void success() {
            reported = true;
            breaker.success();
        }

        public void failure() {
            reported = true;
            breaker.failure(trial);
        }

        @Override
        public void close() {
            if (!reported) {
                breaker.neutral(trial);
            }
        }
    }

    private final class Breaker {
        private State state = State.CLOSED;
        private int consecutive;
        private Instant openUntil;
        private boolean trialOut;

        /** Empty when refused, else whether the call is the half-open trial. */
        synchronized Optional<Boolean> acquire(Instant now) {
            switch (state) {
                case CLOSED -> {
                    return Optional.of(false);
                }
                case OPEN -> {
                    if (now.isBefore(openUntil)) {
                        return Optional.empty();
                    }
                    state = State.HALF_OPEN;
                    trialOut = true;
                    return Optional.of(true);
                }
                default -> {
                    if (trialOut) {
                        return Optional.empty();
                    }
                    trialOut = true;
                    return Optional.of(true);
                }
            }
        }

        synchronized void success() {
            state = State.CLOSED;
            consecutive = 0;
            trialOut = false;
            openUntil = null;
        }

        synchronized void failure(boolean trial) {
            consecutive++;
            if (state == State.HALF_OPEN && trial) {
                open();
            } else if (state == State.CLOSED && consecutive >= failures) {
                open();
            }
        }

        synchronized void neutral(boolean trial) {
            if (trial && state == State.HALF_OPEN) {
                trialOut = false;
            }
        }

        synchronized Snapshot snapshot() {
            return new Snapshot(state, consecutive, state == State.OPEN ? Optional.of(openUntil) : Optional.empty());
        }

        private void open() {
            state = State.OPEN;
            trialOut = false;
            openUntil = clock.instant().plus(openFor);
        }
    }
}
