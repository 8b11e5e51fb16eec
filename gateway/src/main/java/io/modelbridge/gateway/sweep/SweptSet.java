package io.modelbridge.gateway.sweep;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Items that one daemon thread looks at every period, asleep while there are none: an item costs an insert and a
 * removal, no timer task and no thread of its own. A timer task per item (per call, per read) costs a hand-off to
 * the timer's thread on every request; the price here is that an item is seen up to one period late. The call
 * watchdog, the stream pings, the upstream read timeouts and each listener's client read deadlines use it.
 */
public final class SweptSet<T> implements AutoCloseable {
    /** What a sweep does with one item; true when the item is done with and leaves the set. */
    @FunctionalInterface
    public interface Visit<T> {
        boolean visit(T item, long nowNanos);
    }

    private final Set<T> items = ConcurrentHashMap.newKeySet();
    private final long periodNanos;
    private final Visit<T> visit;
    private final Thread sweeper;
    private volatile boolean sweeperIdle;
    private volatile boolean closed;

    public SweptSet(String threadName, Duration period, Visit<T> visit) {
        this.periodNanos = period.toNanos();
        this.visit = visit;
        this.sweeper = Thread.ofPlatform().daemon().name(threadName).start(this::sweep);
    }

    public void add(T item) {
        items.add(item);
        if (sweeperIdle) {
            LockSupport.unpark(sweeper);
        }
    }

    public void remove(T item) {
        items.remove(item);
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
            LockSupport.parkNanos(periodNanos);
            long now = System.nanoTime();
            for (T item : items) {
                if (visit.visit(item, now)) {
                    items.remove(item);
                }
            }
        }
    }

    /** Ends the sweeps (a listener's set, at its stop); the process-wide sets live as long as the JVM. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(sweeper);
    }
}
