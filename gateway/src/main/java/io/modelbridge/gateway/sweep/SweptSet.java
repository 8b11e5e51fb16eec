package io.modelbridge.gateway.sweep;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Items that one daemon thread looks at when each may need it, asleep while there are none: an item costs an insert
 * and a removal, no timer task and no thread of its own. A timer task per item (per call, per read) costs a hand-off
 * to the timer's thread on every request. Each look says when the item may need the next one, and the item waits for
 * it on a wheel of {@value #SLOTS} slots, one per period: an item is seen up to one period late, and a quiet one is
 * not looked at again before it may be due (at the latest once a turn of the wheel). Looking at every item every
 * period instead cost 10,000 slow streams about a tenth of a core in sweeps alone. The call watchdog, the stream
 * pings, the upstream read timeouts and each listener's client read deadlines use it.
 */
public final class SweptSet<T> implements AutoCloseable {
    /** What a look returns for an item that is done with: it leaves the set. */
    public static final long DONE = Long.MIN_VALUE;
    static final int SLOTS = 512;

    /** What a sweep does with one item. */
    @FunctionalInterface
    public interface Visit<T> {
        /**
         * Looks at the item; returns the nanoseconds until it may need the next look (0 or less: at the next sweep),
         * or {@link #DONE}. Never later than the item could be due: the set does not look before.
         */
        long visit(T item, long nowNanos);
    }

    /**
     * An item's place in the set; a removal or a new add of the same item makes the one on the wheel stale, and lets
     * go of the item: a stale entry may wait a turn of the wheel for its slot.
     */
    private static final class Entry<T> {
        volatile T item;

        Entry(T item) {
            this.item = item;
        }
    }

    private final ConcurrentHashMap<T, Entry<T>> items = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Entry<T>> added = new ConcurrentLinkedQueue<>();
    /** The sweeper's own: slot {@code tick % SLOTS} is looked at in sweep number {@code tick}. */
    private final List<List<Entry<T>>> wheel = new ArrayList<>(SLOTS);
    private long tick;
    private final long periodNanos;
    private final Visit<T> visit;
    private final Thread sweeper;
    private volatile boolean sweeperIdle;
    private volatile boolean closed;

    public SweptSet(String threadName, Duration period, Visit<T> visit) {
        this.periodNanos = period.toNanos();
        this.visit = visit;
        for (int i = 0; i < SLOTS; i++) {
            wheel.add(new ArrayList<>());
        }
        this.sweeper = Thread.ofPlatform().daemon().name(threadName).start(this::sweep);
    }

    /** Adds the item, looked at in the next sweep; an item added again is looked at anew. */
    public void add(T item) {
        Entry<T> entry = new Entry<>(item);
        forget(items.put(item, entry));
        added.add(entry);
        if (sweeperIdle) {
            LockSupport.unpark(sweeper);
        }
    }

    public void remove(T item) {
        forget(items.remove(item));
    }

    private static <T> void forget(Entry<T> stale) {
        if (stale != null) {
            stale.item = null;
        }
    }

    /** Items in the set (for tests: a finished item leaves nothing behind). */
    public int size() {
        return items.size();
    }

    private void sweep() {
        while (!closed) {
            sweeperIdle = true; // set before the emptiness check: an item added meanwhile sees it and wakes the sweeper
            if (items.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
            sweeperIdle = false;
            LockSupport.parkNanos(periodNanos); // so a sweep is at least a period after the one before
            long now = System.nanoTime();
            tick++;
            List<Entry<T>> due = wheel.get((int) (tick % SLOTS));
            for (Entry<T> entry : due) {
                look(entry, now);
            }
            due.clear();
            for (Entry<T> entry; (entry = added.poll()) != null; ) {
                look(entry, now);
            }
        }
    }

    /** Visits a live entry and puts it where its next look is due: never this sweep's slot, at most a turn ahead. */
    private void look(Entry<T> entry, long now) {
        T item = entry.item;
        if (item == null || items.get(item) != entry) {
            return; // removed, or added again (its new entry is looked at instead)
        }
        long next = visit.visit(item, now);
        if (next == DONE) {
            if (items.remove(item, entry)) {
                entry.item = null;
            }
            return;
        }
        long sweeps = next <= 0 ? 1 : Math.min(SLOTS - 1, (next + periodNanos - 1) / periodNanos);
        wheel.get((int) ((tick + sweeps) % SLOTS)).add(entry);
    }

    /** Ends the sweeps (a listener's set, at its stop); the process-wide sets live as long as the JVM. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(sweeper);
    }
}
