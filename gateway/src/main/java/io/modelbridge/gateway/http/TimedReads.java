package io.modelbridge.gateway.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.HelidonSocket;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A client's bytes, each wait for them bounded: when the gateway has waited {@code timeout} for a client that sends
 * nothing (a request line and then silence, half the headers, half the body), the socket is closed. Helidon 4.5's
 * idle timeout only covers connections between requests, so without this a request line alone held a connection,
 * and a slot under the connection cap, for good. A client that trickles a byte within every timeout is not cut.
 */
final class TimedReads implements Supplier<byte[]> {
    private final DataReader socket;
    private final HelidonSocket connection;
    private final long timeoutMillis;
    private final ScheduledExecutorService deadlines;

    TimedReads(DataReader socket, HelidonSocket connection, Duration timeout, ScheduledExecutorService deadlines) {
        this.socket = socket;
        this.connection = connection;
        this.timeoutMillis = timeout.toMillis();
        this.deadlines = deadlines;
    }

    /** The next bytes, or null at the end of the stream; a wait past the deadline ends in Helidon's I/O error. */
    @Override
    public byte[] get() {
        try {
            if (socket.available() == 0) {
                // Closing the socket wakes the blocked read with an error that ends the connection.
                ScheduledFuture<?> deadline = deadlines.schedule(connection::close, timeoutMillis,
                        TimeUnit.MILLISECONDS);
                try {
                    socket.ensureAvailable();
                } finally {
                    deadline.cancel(false);
                }
            }
            return socket.readBytes(socket.available());
        } catch (DataReader.InsufficientDataAvailableException closed) {
            return null;
        }
    }
}
