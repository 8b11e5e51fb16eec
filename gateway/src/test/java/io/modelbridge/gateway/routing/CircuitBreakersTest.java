package io.modelbridge.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.ProviderSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {
    private final MutableClock clock = new MutableClock();
    private final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofSeconds(30), clock);

    private void fail(String channel) {
        try (CircuitBreakers.Permit p = breakers.tryAcquire(channel).orElseThrow()) {
            p.failure();
        }
    }

    private void succeed(String channel) {
        try (CircuitBreakers.Permit p = breakers.tryAcquire(channel).orElseThrow()) {
            p.success();
        }
    }

    @Test
    void opensAfterConsecutiveFailuresOnlyAndStaysOpenForItsPeriod() {
        fail("a");
        fail("a");
        succeed("a");
        fail("a");
        fail("a");
        assertEquals(CircuitBreakers.State.CLOSED, breakers.snapshot("a").state(), "a success in between resets the count");
        fail("a");
        CircuitBreakers.Snapshot open = breakers.snapshot("a");
        assertEquals(CircuitBreakers.State.OPEN, open.state());
        assertEquals(Optional.of(clock.now.plusSeconds(30)), open.retryAt());
        assertTrue(breakers.tryAcquire("a").isEmpty());
        clock.advance(Duration.ofSeconds(29));
        assertTrue(breakers.tryAcquire("a").isEmpty());
        assertEquals(Duration.ofSeconds(1), breakers.retryIn(java.util.List.of("a")));
        assertTrue(breakers.tryAcquire("b").isPresent(), "other channels are not affected");
    }

    @Test
    void oneTrialAfterThePeriodClosesOnSuccessAndReopensOnFailure() {
        fail("a");
        fail("a");
        fail("a");
        clock.advance(Duration.ofSeconds(30));
        CircuitBreakers.Permit trial = breakers.tryAcquire("a").orElseThrow();
        assertEquals(CircuitBreakers.State.HALF_OPEN, breakers.snapshot("a").state());
        assertTrue(breakers.tryAcquire("a").isEmpty(), "only one trial at a time");
        trial.failure();
        trial.close();
        assertEquals(CircuitBreakers.State.OPEN, breakers.snapshot("a").state());
        assertTrue(breakers.tryAcquire("a").isEmpty());

        clock.advance(Duration.ofSeconds(30));
        CircuitBreakers.Permit neutral = breakers.tryAcquire("a").orElseThrow();
        neutral.close(); // no outcome (the client left): the trial slot is free again
        succeed("a");
        assertEquals(CircuitBreakers.State.CLOSED, breakers.snapshot("a").state());
        assertEquals(0, breakers.snapshot("a").consecutiveFailures());
    }

    @Test
    void aChangedChannelStartsClosed() {
        fail("a");
        fail("a");
        fail("a");
        ChannelRoute before = route("a", "k1");
        breakers.reconcile(Map.of("a", before), Map.of("a", before));
        assertEquals(CircuitBreakers.State.OPEN, breakers.snapshot("a").state(), "unchanged: still open");
        breakers.reconcile(Map.of("a", before), Map.of("a", route("a", "k2")));
        assertEquals(CircuitBreakers.State.CLOSED, breakers.snapshot("a").state(), "a new credential: closed");
    }

    private static ChannelRoute route(String name, String credential) {
        return new ChannelRoute(1, name, "openai", new ProviderSettings(name, "", credential, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Map.of()));
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
