package io.modelbridge.gateway.http;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.NioSocket;
import io.helidon.common.socket.PlainSocket;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graceful close of RFC 9112, section 9.6, for a connection whose request body was refused unread (a 413, a 401
 * before the body). Closing a socket with unread bytes in its receive buffer makes the kernel send a reset, and a
 * client still sending its body can lose the answer that was already on its way to it. So after the answer: the
 * write side is shut (the client reads the answer, then the end of the stream), the rest of what the client sends is
 * read and dropped, never parsed, for at most {@link #MAX_TIME} and {@link #MAX_BYTES}, whichever comes first, and
 * only then is the connection closed.
 */
final class LingeringClose implements ServerConnection, InterruptableTask<Void> {
    static final Duration MAX_TIME = Duration.ofSeconds(2);
    static final long MAX_BYTES = 4L * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(LingeringClose.class);
    /** Helidon's sockets do not expose the socket under them, and the half-close needs it. */
    private static final Field NIO_CHANNEL = socketField(NioSocket.class);
    private static final Field PLAIN_SOCKET = socketField(PlainSocket.class);
    private final ServerConnection connection;
    private final HelidonSocket socket;
    private final Runnable ended;

    /** @param ended told when the connection is over, however it ends */
    LingeringClose(ServerConnection connection, HelidonSocket socket, Runnable ended) {
        this.connection = connection;
        this.socket = socket;
        this.ended = ended;
    }

    /** Ends a connection whose request body was left unread ({@link ConnectionReuse}), after a graceful close. */
    static final class UnreadBody extends CloseConnectionException {
        private static final long serialVersionUID = 1L;

        UnreadBody() {
            super("Connection: close, request body unread");
        }
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        try {
            connection.handle(limit);
        } catch (UnreadBody e) {
            linger();
            throw e; // Helidon's connection loop closes the socket
        } finally {
            ended.run();
        }
    }

    @SuppressWarnings("removal")
    @Override
    public void handle(Semaphore requests) throws InterruptedException {
        try {
            connection.handle(requests);
        } catch (UnreadBody e) {
            linger();
            throw e;
        } finally {
            ended.run();
        }
    }

    @Override
    public Duration idleTime() {
        return connection.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        connection.close(interrupt);
    }

    @Override
    public boolean canInterrupt() {
        return connection instanceof InterruptableTask<?> task && task.canInterrupt();
    }

    private void linger() {
        Socket raw = rawSocket(socket);
        if (raw == null) {
            return;
        }
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        long budget = MAX_BYTES;
        byte[] sink = new byte[16 * 1024];
        try {
            raw.shutdownOutput();
            InputStream in = raw.getInputStream();
            while (budget > 0) {
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMillis <= 0) {
                    return;
                }
                raw.setSoTimeout((int) leftMillis);
                int n = in.read(sink, 0, (int) Math.min(sink.length, budget));
                if (n < 0) {
                    return; // the client closed its side: nothing is left unread
                }
                budget -= n;
            }
        } catch (IOException e) {
            // timed out, reset or closed by the client: nothing more to wait for
        }
    }

    /**
     * The socket under Helidon's plain-text socket (a channel's by default, or a stream socket's); null for TLS (a
     * half-close would skip its close_notify).
     */
    private static Socket rawSocket(HelidonSocket socket) {
        try {
            if (socket.getClass() == NioSocket.class && NIO_CHANNEL != null) {
                SocketChannel channel = (SocketChannel) NIO_CHANNEL.get(socket);
                return channel.isBlocking() ? channel.socket() : null; // a non-blocking channel has no timed reads
            }
            if (socket.getClass() == PlainSocket.class && PLAIN_SOCKET != null) {
                return (Socket) PLAIN_SOCKET.get(socket);
            }
        } catch (IllegalAccessException e) {
            return null;
        }
        return null;
    }

    private static Field socketField(Class<? extends HelidonSocket> type) {
        try {
            Field f = type.getDeclaredField("delegate");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Connections with an unread request body close without lingering on {} (Helidon changed: {})",
                    type.getSimpleName(), e.toString());
            return null;
        }
    }
}
