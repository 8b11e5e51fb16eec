package io.modelbridge.gateway.http;

import io.modelbridge.gateway.sweep.SweptSet;
import java.time.Duration;

/**
 * Keeps quiet streams alive: a relayed stream whose dialect has a keep-alive event (Anthropic's {@code ping}) gets one
 * after {@link StreamEncoder#keepAliveAfter()} without an event, while the upstream has not sent its first token and
 * between slow chunks, so that proxies and clients with idle timeouts do not cut a stream that is only waiting.
 *
 * <p>Like the call watchdog, watched streams sit in one {@link SweptSet} swept every {@link #SWEEP_MILLIS} ms (it
 * sleeps while the set is empty), each looked at when its next ping may be due: a stream costs an insert and a
 * removal, no thread and no timer task. A due ping is written on a virtual thread of its own, so a client that does
 * not read blocks only its own stream, never the sweep.
 */
final class StreamPings {
    static final long SWEEP_MILLIS = 100;
    private static final SweptSet<SseRelay> WATCHED =
            new SweptSet<>("stream-pings", Duration.ofMillis(SWEEP_MILLIS), StreamPings::pingIfDue);

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
        return () -> {
            WATCHED.remove(relay);
            relay.endPings();
        };
    }

    /** How many streams are watched (for tests: a finished stream leaves nothing behind). */
    static int watched() {
        return WATCHED.size();
    }

    /** Pings the stream if it is due; the nanoseconds until the next may be (the stream's watch removes it). */
    private static long pingIfDue(SseRelay relay, long now) {
        if (relay.pingDue(now)) {
            Thread.ofVirtual().name("stream-ping").start(relay::ping);
        }
        return relay.nextPingIn(now);
    }
}
