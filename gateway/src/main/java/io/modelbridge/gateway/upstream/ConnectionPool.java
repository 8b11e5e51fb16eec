package io.modelbridge.gateway.upstream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Idle upstream connections, per origin (scheme, host, port): at most {@code maxIdlePerOrigin} each, closed after
 * {@code idleExpiry} unused (a sweep every half expiry closes them even for an origin no longer called). Most
 * recently used first, so a steady load keeps reusing the same few warm connections.
 */
final class ConnectionPool implements AutoCloseable {
    static final int MAX_IDLE_PER_ORIGIN = 256;
    static final Duration IDLE_EXPIRY = Duration.ofSeconds(30);
    /** Drains waiting at once (each at most {@link UpstreamBody#MAX_DRAIN_WAIT}); past it a body is closed instead. */
    static final int MAX_WAITING_DRAINS = 256;
    private final Semaphore drains = new Semaphore(MAX_WAITING_DRAINS);
    private final int maxIdlePerOrigin;
    private final long expiryNanos;
    private final ConcurrentMap<Origin, ArrayDeque<UpstreamConnection>> idle = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private volatile boolean closed;

    ConnectionPool() {
        this(MAX_IDLE_PER_ORIGIN, IDLE_EXPIRY);
    }

    ConnectionPool(int maxIdlePerOrigin, Duration idleExpiry) {
        this.maxIdlePerOrigin = maxIdlePerOrigin;
        this.expiryNanos = idleExpiry.toNanos();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("upstream-pool-sweeper").factory());
        long period = Math.max(1, idleExpiry.toMillis() / 2);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** An idle connection to {@code origin} that has not expired, or null. */
    UpstreamConnection acquire(Origin origin) {
        ArrayDeque<UpstreamConnection> queue = idle.get(origin);
        if (queue == null) {
            return null;
        }
        long now = System.nanoTime();
        List<UpstreamConnection> expired = null;
        UpstreamConnection fresh = null;
        synchronized (queue) {
            UpstreamConnection c = queue.pollFirst();
            if (c != null && now - c.idleSince() < expiryNanos) {
                fresh = c;
            } else if (c != null) { // the newest expired: all have
                expired = new ArrayList<>(queue);
                expired.add(c);
                queue.clear();
            }
        }
        if (expired != null) {
            expired.forEach(UpstreamConnection::close);
        }
        return fresh;
    }

    /** Takes back a connection whose answer was read to its end; closes it when the origin has enough idle. */
    void release(UpstreamConnection connection) {
        connection.markIdle(System.nanoTime());
        ArrayDeque<UpstreamConnection> queue = idle.computeIfAbsent(connection.origin(), o -> new ArrayDeque<>());
        boolean kept;
        synchronized (queue) {
            kept = !closed && queue.size() < maxIdlePerOrigin && queue.offerFirst(connection);
        }
        if (!kept) {
            connection.close();
        } else if (closed) { // close() ran while this one was being offered
            closeIdle(Long.MAX_VALUE);
        }
    }

    /**
     * Runs a body's drain on its own virtual thread, so that nobody waits for it; false (not run) when
     * {@link #MAX_WAITING_DRAINS} are already waiting or the pool is closed.
     */
    boolean drainLater(Runnable drain) {
        if (closed || !drains.tryAcquire()) {
            return false;
        }
        Thread.ofVirtual().name("upstream-drain").start(() -> {
            try {
                drain.run();
            } finally {
                drains.release();
            }
        });
        return true;
    }

    /** How many idle connections the pool holds for {@code origin} (for tests). */
    int idleCount(Origin origin) {
        ArrayDeque<UpstreamConnection> queue = idle.get(origin);
        if (queue == null) {
            return 0;
        }
        synchronized (queue) {
            return queue.size();
        }
    }

    void sweep() {
        closeIdle(expiryNanos);
    }

    /** Closes every connection idle for at least {@code idleNanos} (all of them for Long.MAX_VALUE). */
    private void closeIdle(long idleNanos) {
        long now = System.nanoTime();
        List<UpstreamConnection> expired = new ArrayList<>();
        for (ArrayDeque<UpstreamConnection> queue : idle.values()) {
            synchronized (queue) {
                while (!queue.isEmpty() && (idleNanos == Long.MAX_VALUE || now - queue.peekLast().idleSince() >= idleNanos)) {
                    expired.add(queue.pollLast());
                }
            }
        }
        expired.forEach(UpstreamConnection::close);
    }

    @Override
    public void close() {
        closed = true;
        sweeper.shutdownNow();
        closeIdle(Long.MAX_VALUE);
    }
}
