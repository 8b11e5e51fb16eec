package io.modelbridge.gateway.http;

import io.modelbridge.gateway.sweep.SweptSet;
import java.time.Duration;

/**
 * The read deadlines of a listener's connections ({@link TimedReads}). One thread sweeps the open connections every
 * {@link #sweepPeriod} and closes each that has waited for its client's bytes longer than its timeout; a connection
 * costs an insert and a removal, and a read two volatile writes. A timer task per read (the way before issue 16) cost
 * a ScheduledThreadPoolExecutor insertion and cancellation per request. A connection is therefore cut up to one sweep
 * late.
 */
public final class ReadDeadlines implements AutoCloseable {
    private final SweptSet<TimedReads> connections;

    /** @param timeout the read timeout of the listener's connections: sweeps come ten times as often, at most 1 s apart */
    public ReadDeadlines(Duration timeout) {
        this.connections = new SweptSet<>("client-read-deadlines", sweepPeriod(timeout), TimedReads::expire);
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

    @Override
    public void close() {
        connections.close();
    }
}
