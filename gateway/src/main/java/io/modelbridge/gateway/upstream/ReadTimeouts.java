package io.modelbridge.gateway.upstream;

import io.modelbridge.gateway.sweep.SweptSet;
import java.time.Duration;

/**
 * The read timeout of upstream connections, kept by one sweeper thread instead of a socket timeout.
 *
 * <p>A socket timeout (SO_TIMEOUT) makes each read a virtual thread waits on a timed park, and each timed park
 * schedules a task on the delay scheduler of the virtual threads' pool, then cancels it when the bytes arrive: two
 * hand-offs to that scheduler's own thread per read. Under load that thread took about 8 % of the gateway's CPU,
 * besides the wake-ups it cost the request threads (docs/benchmarks.md, "Timed reads"). Here a read that may wait
 * joins a {@link SweptSet} swept every {@link #SWEEP} (one thread, asleep while no read waits); a read still
 * waiting past its timeout has its socket closed and fails as a {@link java.net.SocketTimeoutException}, as before.
 * A read is therefore ended up to one sweep late.
 */
final class ReadTimeouts {
    static final Duration SWEEP = Duration.ofMillis(10);
    private static final SweptSet<UpstreamConnection> WAITING =
            new SweptSet<>("upstream-read-timeouts", SWEEP, UpstreamConnection::endReadIfLate);

    private ReadTimeouts() {}

    static void waiting(UpstreamConnection connection) {
        WAITING.add(connection);
    }

    static void done(UpstreamConnection connection) {
        WAITING.remove(connection);
    }

    /** Reads waiting now (for tests: a finished read leaves nothing behind). */
    static int waitingReads() {
        return WAITING.size();
    }
}
