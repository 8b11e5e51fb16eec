package io.modelbridge.gateway.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The read deadlines of a listener's connections ({@link TimedReads}). One thread sweeps the open connections every
 * {@link #sweepPeriod} and closes each that has waited for its client's bytes longer than its timeout; a connection
 * costs an insert and a removal, and a read two volatile writes. A timer task per read (the way before issue 16) cost
 * a ScheduledThreadPoolExecutor insertion and cancellation per request. A connection is therefore cut up to one sweep
 * late.
 */
public final class ReadDeadlines implements AutoCloseable {
    private final Set<TimedReads> connections = ConcurrentHashMap.newKeySet();
    private final long sweepNanos;
    private final Thread sweeper;
    private volatile boolean closed;

    /** @param timeout the read timeout of the listener's connections: sweeps come ten times as often, at most 1 s apart */
    public ReadDeadlines(Duration timeout) {
        this.sweepNanos = sweepPeriod(timeout).toNanos();
        this.sweeper = Thread.ofPlatform().daemon().name("client-read-deadlines").start(this::sweep);
    }

    /** A tenth of the timeout, between 10 ms and 1 s. */
    static Duration sweepPeriod(Duration timeout) {
        return Duration.ofMillis(Math.clamp(timeout.toMillis() / 10, 10, 1000));
    }

    void watch(TimedReads connection) {
        connections.add(connection);
    }

    void forget(TimedReads connection) {
        connections.remove(connection);
    }

    /** Connections being watched (for tests: an ended connection leaves nothing behind). */
    int watched() {
        return connections.size();
    }

    private void sweep() {
        while (!closed) {
            LockSupport.parkNanos(sweepNanos);
            long now = System.nanoTime();
            for (TimedReads connection : connections) {
                if (connection.expire(now)) {
                    connections.remove(connection);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(sweeper);
    }
}
