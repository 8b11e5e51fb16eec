package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.sweep.SweptSet;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Ends an adapter call that has shown no sign of life (no answer, no chunk) for too long, or that has run past its
 * deadline ({@link CallContext#deadline()}, MB_REQUEST_TIMEOUT_SECONDS after it began) however lively it is: an
 * upstream that drips its headers a byte at a time, or a stream that never ends, never trips a read timeout.
 *
 * <p>It interrupts the calling (virtual) thread, which closes the upstream socket the thread is blocked on, or
 * wakes a WebSocket wait. It never interrupts a chunk on its way to the client, because an interrupt there would
 * close the client's socket too: chunks pass through {@link #deliver}, and a call that ran out while one was being
 * written fails right after it instead. Each sign of life is one volatile write.
 *
 * <p>Watched calls sit in one {@link SweptSet} swept every {@link #SWEEP_MILLIS} ms (it sleeps while the set is
 * empty), each looked at when its silence or its deadline may have run out, so a call costs an insert and a removal,
 * not a timer task: a timer task per call kept every finished call queued until its silence ran out (minutes at
 * thousands of calls a second) and woke the timer thread once per call. A call is therefore ended up to one sweep
 * late.
 */
final class CallWatchdog implements AutoCloseable {
    static final long SWEEP_MILLIS = 10;
    private static final SweptSet<CallWatchdog> WATCHED =
            new SweptSet<>("call-watchdog", Duration.ofMillis(SWEEP_MILLIS), CallWatchdog::checkIfRunOut);
    private final Thread caller = Thread.currentThread();
    private final long silenceNanos;
    private final long budgetNanos;
    private final long deadlineNanos;
    private volatile long lastSignNanos = System.nanoTime();
    private volatile Reason fired;
    private boolean delivering;
    private boolean closed;

    /** Why a call was ended. */
    enum Reason { SILENCE, DEADLINE }

    /** @param budget how long the call may take in all; from {@link #budget(CallContext)} */
    CallWatchdog(Duration allowedSilence, Duration budget) {
        this.silenceNanos = allowedSilence.toNanos();
        this.budgetNanos = Math.max(0, budget.toNanos());
        this.deadlineNanos = lastSignNanos + budgetNanos;
        WATCHED.add(this);
    }

    /**
     * Runs one adapter call under a watchdog of its own: a call that was ended fails as the watchdog's TIMEOUT,
     * whatever the plugin did after the interrupt.
     */
    static <T> T watch(Duration allowedSilence, CallContext ctx, Function<CallWatchdog, T> call) {
        try (CallWatchdog watchdog = new CallWatchdog(allowedSilence, budget(ctx))) {
            T value;
            try {
                value = call.apply(watchdog);
            } catch (RuntimeException e) {
                if (watchdog.fired()) {
                    throw watchdog.failure();
                }
                throw e;
            }
            if (watchdog.fired()) {
                throw watchdog.failure();
            }
            return value;
        }
    }

    /** The time left until the call's deadline, read on the call's own clock. */
    static Duration budget(CallContext ctx) {
        return Duration.between(ctx.clock().instant(), ctx.deadline());
    }

    /** The call is alive (a chunk arrived). */
    void alive() {
        lastSignNanos = System.nanoTime();
    }

    /**
     * Hands a chunk to the client unless the call has already been ended; a call whose deadline passed while the
     * chunk was written fails right after it.
     */
    <T> void deliver(T chunk, Consumer<T> out) {
        synchronized (this) {
            if (fired != null) {
                throw failure();
            }
            delivering = true;
        }
        try {
            alive();
            out.accept(chunk);
        } finally {
            synchronized (this) {
                delivering = false;
            }
        }
        synchronized (this) {
            if (fired == null && System.nanoTime() - deadlineNanos >= 0) {
                fired = Reason.DEADLINE;
            }
        }
        if (fired != null) {
            throw failure();
        }
    }

    boolean fired() {
        return fired != null;
    }

    /** The timeout the ended call fails with. */
    ProviderException failure() {
        String message = fired == Reason.DEADLINE
                ? "the upstream call did not complete within the request timeout of " + millis(budgetNanos) + " ms"
                : "the provider plugin gave no answer within " + millis(silenceNanos) + " ms";
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.TIMEOUT, message));
    }

    @Override
    public synchronized void close() {
        closed = true;
        WATCHED.remove(this);
        if (fired != null) {
            Thread.interrupted(); // the interrupt was ours; the request thread carries on to answer 504
        }
    }

    /** How many calls are being watched (for tests: a finished call leaves nothing behind). */
    static int watchedCalls() {
        return WATCHED.size();
    }

    /** Ends the call if it has run out; else the nanoseconds until it may have (its silence or its deadline). */
    private static long checkIfRunOut(CallWatchdog watchdog, long now) {
        long left = watchdog.leftUntilRunOut(now);
        if (left <= 0) {
            watchdog.check();
        }
        return watchdog.fired() ? SweptSet.DONE : left;
    }

    /** Without the lock: a sign of life only ever moves the end later, so this is never past it. */
    private long leftUntilRunOut(long now) {
        return Math.min(silenceNanos - (now - lastSignNanos), deadlineNanos - now);
    }

    /** A chunk being written to a slow client is not the plugin's silence; only the deadline ends it then. */
    private synchronized void check() {
        if (closed || fired != null) {
            return;
        }
        long now = System.nanoTime();
        if (now - deadlineNanos >= 0) {
            fired = Reason.DEADLINE;
        } else if (now - lastSignNanos >= silenceNanos && !delivering) {
            fired = Reason.SILENCE;
        } else {
            return;
        }
        if (!delivering) {
            caller.interrupt();
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
