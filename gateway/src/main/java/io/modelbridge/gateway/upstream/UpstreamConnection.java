package io.modelbridge.gateway.upstream;

import io.modelbridge.gateway.sweep.SweptSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One blocking HTTP/1.1 connection to an upstream, used by one call at a time (a virtual thread parks on its reads;
 * {@link ReadTimeouts} bounds each of them, and an interrupt from the call watchdog closes it).
 */
final class UpstreamConnection {
    private final Origin origin;
    private final Socket socket;
    /** The TCP socket under {@link #socket} (the same one without TLS): closing it ends a read at once. */
    private final Socket plain;
    private final UpstreamInput input;
    private final OutputStream output;
    private volatile long readTimeoutNanos;
    /**
     * When the read now waiting began (System.nanoTime()), or {@link #NOT_READING}. The read and the
     * {@link ReadTimeouts} sweeper each end it with a compare-and-set, so exactly one of them does.
     */
    private final AtomicLong readSince = new AtomicLong(NOT_READING);
    private static final long NOT_READING = Long.MIN_VALUE;
    /** Set by the sweeper before it closes the socket: the read fails as a timeout, the connection is not reused. */
    private volatile boolean readTimedOut;
    /** Whether a drain left a socket timeout on the socket, which reads with a timeout of their own must clear. */
    private boolean socketTimeoutSet;
    private boolean reused;
    private long idleSince;
    /** While a drain reads: the System.nanoTime() by which its reads must be over; see {@link #readsUntil}. */
    private long deadline;
    private boolean hasDeadline;

    private UpstreamConnection(Origin origin, Socket socket, Socket plain) throws IOException {
        this.origin = origin;
        this.socket = socket;
        this.plain = plain;
        this.input = new UpstreamInput(new DeadlineReads(socket.getInputStream()));
        this.output = socket.getOutputStream();
    }

    /**
     * Connects, through the JVM's resolver (an UnknownHostException stays the cause) and, for https, a TLS handshake
     * with SNI and hostname verification against {@code tls}'s trust. No connection is kept if any step fails.
     */
    static UpstreamConnection open(Origin origin, Duration connectTimeout, Duration readTimeout, SSLContext tls)
            throws IOException {
        InetAddress address = InetAddress.getAllByName(origin.bareHost())[0];
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true); // stream chunks are small: no Nagle delay on them
            plain.connect(new InetSocketAddress(address, origin.port()), millis(connectTimeout));
            Socket socket = origin.tls() ? handshake(plain, origin, tls, readTimeout) : plain;
            UpstreamConnection connection = new UpstreamConnection(origin, socket, plain);
            connection.readTimeout(readTimeout);
            return connection;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private static Socket handshake(Socket plain, Origin origin, SSLContext tls, Duration readTimeout) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, origin.bareHost(), origin.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        if (!ipLiteral(origin.bareHost())) {
            parameters.setServerNames(List.of(new SNIHostName(origin.bareHost())));
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(millis(readTimeout)); // once per connection: a timed handshake costs nothing per request
        socket.startHandshake();
        socket.setSoTimeout(0);
        return socket;
    }

    Origin origin() {
        return origin;
    }

    UpstreamInput input() {
        return input;
    }

    /** Sends a whole request (head and body) in one write. */
    void send(RequestHead request) throws IOException {
        request.writeTo(output);
    }

    void readTimeout(Duration timeout) {
        long nanos = timeout.toNanos();
        if (nanos != readTimeoutNanos) {
            readTimeoutNanos = nanos;
        }
    }

    /**
     * Every read from now on waits at most until {@code nanos} in all, not the read timeout each: a read with a socket
     * timeout parks the virtual thread until bytes arrive or the timeout fires, so each read gets what is left.
     */
    void readsUntil(long nanos) {
        deadline = nanos;
        hasDeadline = true;
    }

    /** Reads wait for the read timeout again. */
    void readsAsUsual() {
        hasDeadline = false;
    }

    /**
     * By the sweeper: ends the waiting read if it has waited past its timeout ({@link SweptSet#DONE}); else the
     * nanoseconds until it may have. A read that ended meanwhile leaves the set by itself, and a next read joins it
     * anew (DONE takes out only the place of the read it was returned for).
     */
    long endReadIfLate(long now) {
        long since = readSince.get();
        if (since == NOT_READING) {
            return readTimeoutNanos; // the read is over and leaves the set; a next one joins it anew
        }
        long left = readTimeoutNanos - (now - since);
        if (left > 0) {
            return left;
        }
        if (!readSince.compareAndSet(since, NOT_READING)) {
            return 0; // it ended just now
        }
        readTimedOut = true;
        try {
            plain.close();
        } catch (IOException ignored) {
            // closed already
        }
        return SweptSet.DONE;
    }

    /** Whether this connection carried an earlier exchange (taken from the pool). */
    boolean reused() {
        return reused;
    }

    void markIdle(long nanos) {
        reused = true;
        idleSince = nanos;
    }

    long idleSince() {
        return idleSince;
    }

    /** False once a read timed out: its socket was closed under it, whatever the read returned. */
    boolean reusable() {
        return !readTimedOut;
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    private static boolean ipLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** A positive millisecond count (0 would mean no timeout at all). */
    private static int millis(Duration d) {
        return (int) Math.clamp(d.toMillis(), 1, Integer.MAX_VALUE);
    }

    /** The socket's input, whose reads end by the {@link #readsUntil} deadline when one is set. */
    private final class DeadlineReads extends InputStream {
        private final InputStream in;

        DeadlineReads(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (hasDeadline) { // a drain, on its own virtual thread: rare, so a socket timeout is fine here
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("the drain's wait is over");
                }
                socket.setSoTimeout((int) Math.clamp(Duration.ofNanos(left).toMillis(), 1, Integer.MAX_VALUE));
                socketTimeoutSet = true;
                return in.read(b, off, len);
            }
            if (socketTimeoutSet) {
                socket.setSoTimeout(0);
                socketTimeoutSet = false;
            }
            long start = System.nanoTime();
            readSince.set(start);
            ReadTimeouts.waiting(UpstreamConnection.this);
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                if (readTimedOut) {
                    SocketTimeoutException timeout = new SocketTimeoutException("Read timed out");
                    timeout.initCause(e);
                    throw timeout;
                }
                throw e;
            } finally {
                readSince.compareAndSet(start, NOT_READING);
                ReadTimeouts.done(UpstreamConnection.this);
            }
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }
}
