package io.modelbridge.gateway.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The read timeout of upstream connections, kept by one sweeper thread instead of a socket timeout.
 *
 * <p>A socket timeout (SO_TIMEOUT) makes each read a virtual thread waits on a timed park, and each timed park
 * schedules a task on the delay scheduler of the virtual threads' pool, then cancels it when the bytes arrive: two
 * hand-offs to that scheduler's own thread per read. Under load that thread took about 8 % of the gateway's CPU,
 * besides the wake-ups it cost the request threads (docs/benchmarks.md, "Timed reads"). Here a read that may wait
 * joins a set that one thread sweeps every {@link #SWEEP_MILLIS} ms (it sleeps while the set is empty); a read still
 * waiting past its timeout has its socket closed and fails as a {@link java.net.SocketTimeoutException}, as before.
 * A read is therefore ended up to one sweep late.
 */
final class ReadTimeouts {
    static final long SWEEP_MILLIS = 10;
    private static final Set<UpstreamConnection> WAITING = ConcurrentHashMap.newKeySet();
    private static volatile boolean sweeperIdle;
    private static final Thread SWEEPER = Thread.ofPlatform().daemon().name("upstream-read-timeouts")
            .start(ReadTimeouts::sweep);

    private ReadTimeouts() {}

    static void waiting(UpstreamConnection connection) {
        WAITING.add(connection);
        if (sweeperIdle) {
            LockSupport.unpark(SWEEPER);
        }
    }

    static void done(UpstreamConnection connection) {
        WAITING.remove(connection);
    }

    /** Reads waiting now (for tests: a finished read leaves nothing behind). */
    static int waitingReads() {
        return WAITING.size();
    }

    private static void sweep() {
        while (true) {
            sweeperIdle = true; // set before the emptiness check: a read added meanwhile sees it and wakes the sweeper
            if (WAITING.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
            sweeperIdle = false;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS));
            long now = System.nanoTime();
            for (UpstreamConnection connection : WAITING) {
                if (connection.endReadIfLate(now)) {
                    WAITING.remove(connection);
                }
            }
        }
    }
}
