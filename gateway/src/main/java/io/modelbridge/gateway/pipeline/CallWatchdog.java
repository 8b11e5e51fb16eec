package io.modelbridge.gateway.pipeline;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Interrupts an adapter call that has shown no sign of life (no answer, no chunk) for too long: a plugin hanging
 * outside the host's transport, whose own timeouts would otherwise never fire. Each sign of life is one volatile
 * write; the timer re-checks only when a silence could have run out.
 */
final class CallWatchdog implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("call-watchdog").unstarted(r));
    private final Thread caller = Thread.currentThread();
    private final long silenceNanos;
    private volatile long lastSignNanos = System.nanoTime();
    private volatile boolean fired;
    private boolean closed;

    CallWatchdog(Duration allowedSilence) {
        this.silenceNanos = allowedSilence.toNanos();
        schedule(silenceNanos);
    }

    /** The call is alive (a chunk arrived). */
    void alive() {
        lastSignNanos = System.nanoTime();
    }

    boolean fired() {
        return fired;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (fired) {
            Thread.interrupted(); // the interrupt was ours; the request thread carries on to answer 504
        }
    }

    private void schedule(long delayNanos) {
        TIMER.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private synchronized void check() {
        if (closed) {
            return;
        }
        long quiet = System.nanoTime() - lastSignNanos;
        if (quiet < silenceNanos) {
            schedule(silenceNanos - quiet);
            return;
        }
        fired = true;
        caller.interrupt();
    }
}
