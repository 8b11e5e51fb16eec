package io.modelbridge.gateway.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
            return SweptSet.DONE;
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
    void anItemDueAtOnceStaysAndIsVisitedEverySweepUntilItIsRemoved() throws Exception {
        AtomicInteger visits = new AtomicInteger();
        SweptSet<String> set = new SweptSet<>("test-sweeper", Duration.ofMillis(10), (item, now) -> {
            visits.incrementAndGet();
            return 0;
        });
        set.add("call");
        waitUntil(() -> visits.get() >= 5);
        assertEquals(1, set.size());

        set.remove("call");
        assertEquals(0, set.size());
    }

    /**
     * A quiet item is looked at when its visit said it may be due, not every sweep: 10,000 slow streams looked at
     * every 10 ms cost a tenth of a core. Never before that time, and at most a few sweeps after it.
     */
    @Test
    void anItemIsLookedAtWhenItsVisitSaidItMayBeDueNeitherBeforeNorMuchLater() throws Exception {
        long wait = TimeUnit.MILLISECONDS.toNanos(200);
        List<Long> looks = new CopyOnWriteArrayList<>();
        SweptSet<String> set = new SweptSet<>("test-sweeper", Duration.ofMillis(10), (item, now) -> {
            looks.add(now);
            return wait;
        });
        set.add("stream");
        Thread.sleep(1_000);
        set.remove("stream");

        assertTrue(looks.size() >= 3 && looks.size() <= 6, looks.size() + " looks in a second, one per 200 ms");
        for (int i = 1; i < looks.size(); i++) {
            long apart = TimeUnit.NANOSECONDS.toMillis(looks.get(i) - looks.get(i - 1));
            assertTrue(apart >= 200 && apart < 400, "looks " + apart + " ms apart");
        }
    }

    /** An item added again (a connection's next read) is looked at once per sweep, not once per add. */
    @Test
    void anItemAddedAgainIsLookedAtAsOneItem() throws Exception {
        AtomicInteger visits = new AtomicInteger();
        SweptSet<String> set = new SweptSet<>("test-sweeper", Duration.ofMillis(10), (item, now) -> {
            visits.incrementAndGet();
            return TimeUnit.SECONDS.toNanos(10);
        });
        for (int i = 0; i < 100; i++) {
            set.add("connection");
        }
        waitUntil(() -> visits.get() >= 1);
        Thread.sleep(100);
        assertEquals(1, visits.get());
        assertEquals(1, set.size());
    }

    /** A listener's set (its client read deadlines) is closed when the listener stops: its thread must not stay. */
    @Test
    void aClosedSetsSweeperEndsAndVisitsNothingMore() throws Exception {
        AtomicInteger visits = new AtomicInteger();
        SweptSet<String> set = new SweptSet<>("test-closed-sweeper", Duration.ofMillis(10), (item, now) -> {
            visits.incrementAndGet();
            return 0;
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
