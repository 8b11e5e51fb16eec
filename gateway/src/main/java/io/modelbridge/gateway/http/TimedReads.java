package io.modelbridge.gateway.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.HelidonSocket;
import io.modelbridge.gateway.sweep.SweptSet;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A client's bytes, each wait for them bounded: when the gateway has waited {@code timeout} for a client that sends
 * nothing (a request line and then silence, half the headers, half the body), the socket is closed. Helidon 4.5's
 * idle timeout only covers connections between requests, so without this a request line alone held a connection,
 * and a slot under the connection cap, for good. A client that trickles a byte within every timeout is not cut.
 * The waits are timed by {@link ReadDeadlines}.
 */
final class TimedReads implements Supplier<byte[]> {
    private static final long NOT_WAITING = Long.MIN_VALUE;
    private final DataReader socket;
    private final HelidonSocket connection;
    private final long timeoutNanos;
    private final ReadDeadlines deadlines;
    /** When the current wait for the client's bytes began, or {@link #NOT_WAITING}. */
    private volatile long waitingSince = NOT_WAITING;

    TimedReads(DataReader socket, HelidonSocket connection, Duration timeout, ReadDeadlines deadlines) {
        this.socket = socket;
        this.connection = connection;
        this.timeoutNanos = timeout.toNanos();
        this.deadlines = deadlines;
        deadlines.watch(this);
    }

    /** The next bytes, or null at the end of the stream; a wait past the deadline ends in Helidon's I/O error. */
    @Override
    public byte[] get() {
        try {
            if (socket.available() == 0) {
                waitingSince = System.nanoTime();
                try {
                    socket.ensureAvailable();
                } finally {
                    waitingSince = NOT_WAITING;
                }
            }
            return socket.readBytes(socket.available());
        } catch (DataReader.InsufficientDataAvailableException closed) {
            ended();
            return null;
        } catch (RuntimeException e) {
            ended();
            throw e;
        }
    }

    /** The connection is over: nothing left to time. */
    void ended() {
        deadlines.forget(this);
    }

    /**
     * Closes the connection when its current wait has lasted {@code timeout} by {@code now}; closing the socket wakes
     * the blocked read with an error that ends the connection.
     *
     * @return {@link SweptSet#DONE} when the connection needs no more watching (closed now, or closed already), else
     *         the nanoseconds until its wait may have lasted too long (a wait that begins later ends no sooner)
     */
    long expire(long now) {
        long since = waitingSince;
        if (since == NOT_WAITING) {
            return connection.isConnected() ? timeoutNanos : SweptSet.DONE;
        }
        long left = timeoutNanos - (now - since);
        if (left > 0) {
            return left;
        }
        connection.close();
        return SweptSet.DONE;
    }
}
