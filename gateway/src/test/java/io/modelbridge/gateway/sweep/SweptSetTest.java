package io.modelbridge.gateway.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class SweptSetTest {
    @Test
    void anItemAddedWhileTheSweeperSleepsIsSeenWithinAFewPeriodsNotAfterItsSecondLongNap() throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        SweptSet<String> set = new SweptSet<>("test-sweeper", Duration.ofMillis(10), (item, now) -> {
            seen.countDown();
            return true;
        });
        Thread.sleep(50); // the set is empty: the sweeper naps for a second

        long start = System.nanoTime();
        set.add("read");

        assertTrue(seen.await(2, TimeUnit.SECONDS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 500, millis + " ms");
        waitUntil(() -> set.size() == 0);
    }

    @Test
    void anItemStaysAndIsVisitedEveryPeriodUntilItsVisitSaysItIsDoneOrItIsRemoved() throws Exception {
        AtomicInteger visits = new AtomicInteger();
        SweptSet<String> set = new SweptSet<>("test-sweeper", Duration.ofMillis(10), (item, now) -> {
            visits.incrementAndGet();
            return false;
        });
        set.add("call");
        waitUntil(() -> visits.get() >= 5);
        assertEquals(1, set.size());

        set.remove("call");
        assertEquals(0, set.size());
    }

    /** A listener's set (its client read deadlines) is closed when the listener stops: its thread must not stay. */
    @Test
    void aClosedSetsSweeperEndsAndVisitsNothingMore() throws Exception {
        AtomicInteger visits = new AtomicInteger();
        SweptSet<String> set = new SweptSet<>("test-closed-sweeper", Duration.ofMillis(10), (item, now) -> {
            visits.incrementAndGet();
            return false;
        });
        set.add("connection");
        waitUntil(() -> visits.get() >= 2);

        set.close();
        waitUntil(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("test-closed-sweeper")));
        int afterClose = visits.get();
        Thread.sleep(50);
        assertEquals(afterClose, visits.get());
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out");
            Thread.sleep(5);
        }
    }
}
