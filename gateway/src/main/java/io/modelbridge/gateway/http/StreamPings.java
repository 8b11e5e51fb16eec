package io.modelbridge.gateway.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps quiet streams alive: a relayed stream whose dialect has a keep-alive event (Anthropic's {@code ping}) gets one
 * after {@link StreamEncoder#keepAliveAfter()} without an event, while the upstream has not sent its first token and
 * between slow chunks, so that proxies and clients with idle timeouts do not cut a stream that is only waiting.
 *
 * <p>Like the call watchdog, watched streams sit in one set that a single daemon thread sweeps every
 * {@link #SWEEP_MILLIS} ms (it sleeps while the set is empty): a stream costs an insert and a removal, no thread and no
 * timer task. A due ping is written on a virtual thread of its own, so a client that does not read blocks only its
 * own stream, never the sweep.
 */
final class StreamPings {
    static final long SWEEP_MILLIS = 100;
    private static final Set<SseRelay> WATCHED = ConcurrentHashMap.newKeySet();
    private static volatile boolean sweeperIdle;
    private static final Thread SWEEPER = Thread.ofPlatform().daemon().name("stream-pings").start(StreamPings::sweep);

    /** While open, {@code relay} is pinged when silent; closing it ends the pings for good. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    private StreamPings() {}

    /** Watches the relay if its dialect has a keep-alive event and pings are on; else a watch that does nothing. */
    static Watch watch(SseRelay relay) {
        if (!relay.pings()) {
            return () -> { };
        }
        WATCHED.add(relay);
        if (sweeperIdle) {
            LockSupport.unpark(SWEEPER);
        }
        return () -> {
            WATCHED.remove(relay);
            relay.endPings();
        };
    }

    /** How many streams are watched (for tests: a finished stream leaves nothing behind). */
    static int watched() {
        return WATCHED.size();
    }

    private static void sweep() {
        while (true) {
            sweeperIdle = true; // set before the emptiness check: a stream added meanwhile sees it and wakes the sweeper
            if (WATCHED.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
            sweeperIdle = false;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS));
            long now = System.nanoTime();
            for (SseRelay relay : WATCHED) {
                if (relay.pingDue(now)) {
                    Thread.ofVirtual().name("stream-ping").start(relay::ping);
                }
            }
        }
    }
}
