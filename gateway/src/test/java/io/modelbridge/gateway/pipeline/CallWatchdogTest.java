package io.modelbridge.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallWatchdogTest {
    private static final Duration MINUTES = Duration.ofMinutes(5);

    @Test
    void finishedCallsLeaveNothingBehind() {
        for (int i = 0; i < 10_000; i++) {
            try (CallWatchdog watchdog = new CallWatchdog(MINUTES, MINUTES)) {
                watchdog.alive();
            }
        }
        // before: one timer task per call, queued until its five minutes of allowed silence ran out
        assertEquals(0, CallWatchdog.watchedCalls());
    }

    @Test
    void aSilentCallIsInterruptedAndFailsAsSilence() {
        long began = System.nanoTime();
        try (CallWatchdog watchdog = new CallWatchdog(Duration.ofMillis(100), MINUTES)) {
            assertTrue(sleptUntilInterrupted(Duration.ofSeconds(10)), "the silent call was interrupted");
            assertTrue(watchdog.fired());
            assertTrue(watchdog.failure().getMessage().contains("gave no answer within 100 ms"),
                    watchdog.failure().getMessage());
        }
        long millis = Duration.ofNanos(System.nanoTime() - began).toMillis();
        assertTrue(millis >= 100 && millis < 2_000, "ended after " + millis + " ms");
        assertFalse(Thread.currentThread().isInterrupted(), "the interrupt was the watchdog's, and cleared");
    }

    @Test
    void aLivelyCallIsStillEndedAtItsDeadline() throws Exception {
        try (CallWatchdog watchdog = new CallWatchdog(MINUTES, Duration.ofMillis(300))) {
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean interrupted = false;
            while (!interrupted && System.nanoTime() < until) {
                watchdog.alive();
                interrupted = sleptUntilInterrupted(Duration.ofMillis(20));
            }
            assertTrue(interrupted, "the call was interrupted at its deadline");
            assertTrue(watchdog.failure().getMessage().contains("within the request timeout of 300 ms"),
                    watchdog.failure().getMessage());
        }
    }

    @Test
    void aCallThatAnswersInTimeIsNeverInterrupted() throws Exception {
        try (CallWatchdog watchdog = new CallWatchdog(Duration.ofMillis(200), Duration.ofMillis(400))) {
            Thread.sleep(50);
            assertFalse(watchdog.fired());
        }
        Thread.sleep(500); // past both: nothing may fire once the call is closed
        assertFalse(Thread.currentThread().isInterrupted());
    }

    private static boolean sleptUntilInterrupted(Duration atMost) {
        try {
            Thread.sleep(atMost);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }
}
