package io.modelbridge.gateway.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An answer's body as it arrives: sized, chunked or until the connection closes. Read to its end, it hands a
 * keep-alive connection back to the pool; cut short ({@link #abort}, a failed read), the connection is closed, never
 * reused. Whichever comes first decides, once. Closed before its end, the rest is drained within a bound first
 * ({@link #close}).
 */
abstract sealed class UpstreamBody extends InputStream {
    static final int MAX_CHUNK_LINE_BYTES = 1024;
    /** The most bytes (body and framing) a drain reads of what had already arrived when the body was closed. */
    static final int MAX_DRAIN_BYTES = 4 * 1024;
    /** How long a drain waits for the rest of the framing (a chunked body's terminator) to arrive. */
    static final Duration MAX_DRAIN_WAIT = Duration.ofMillis(100);
    private final UpstreamConnection connection;
    private final ConnectionPool pool;
    private final boolean keepAlive;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    final UpstreamInput in;
    private byte[] one;

    UpstreamBody(UpstreamConnection connection, ConnectionPool pool, boolean keepAlive) {
        this.connection = connection;
        this.pool = pool;
        this.keepAlive = keepAlive;
        this.in = connection.input();
    }

    static UpstreamBody of(ResponseHead head, UpstreamConnection connection, ConnectionPool pool) {
        return switch (head.framing()) {
            case NONE -> new Sized(connection, pool, head.keepAlive(), 0);
            case SIZED -> new Sized(connection, pool, head.keepAlive(), head.contentLength());
            case CHUNKED -> new Chunked(connection, pool, head.keepAlive());
            case UNTIL_CLOSE -> new UntilClose(connection, pool);
        };
    }

    /** Reads body bytes from the connection; -1 at the body's end (after which it calls {@link #end}). */
    abstract int next(byte[] b, int off, int len) throws IOException;

    /** Where the body's reading is: running the returned action takes it back there. */
    abstract Runnable snapshot();

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        if (finished.get() || closed.get()) {
            return -1;
        }
        try {
            return next(b, off, len);
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    @Override
    public final int read() throws IOException {
        if (one == null) {
            one = new byte[1];
        }
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /** The body was read to its end: the connection goes back to the pool if nothing forbids it. */
    final void end() {
        if (finished.compareAndSet(false, true)) {
            in.waitForMore();
            connection.readsAsUsual();
            if (keepAlive && in.buffered() == 0 && connection.reusable()) {
                pool.release(connection);
            } else {
                connection.close();
            }
        }
    }

    /** Stops reading: the connection is closed (which also cancels the upstream's work), unless it was released. */
    final void abort() {
        if (finished.compareAndSet(false, true)) {
            connection.close();
        }
    }

    /**
     * Closed before its end, the body of a keep-alive answer is drained so that its connection can be reused: a
     * stream is read up to its {@code data: [DONE]}, and its chunked terminator ({@code 0 CR LF CR LF}) comes after.
     * First what has already arrived is read, without waiting (at most {@link #MAX_DRAIN_BYTES}); if the body's end
     * is not among it, a virtual thread waits at most {@link #MAX_DRAIN_WAIT} for the rest of the framing, so the
     * caller (which goes on to end its client's stream) never waits. A body byte arriving during that wait means the
     * upstream is still producing (a cancelled stream): the connection is closed at once, which cancels it. The
     * connection goes back to the pool only if the body's end was read and well-formed; otherwise it is closed.
     */
    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true) || finished.get()) {
            return;
        }
        if (!keepAlive) {
            abort();
            return;
        }
        try {
            in.takeArrived();
            if (!drainArrived() || !finished.get() && !pool.drainLater(this::drainWaiting)) {
                abort();
            }
        } catch (IOException | RuntimeException e) {
            abort();
        }
    }

    /**
     * Reads what has arrived up to the body's end (true, and the connection went back to the pool or was closed), or
     * up to what has not arrived yet (true, not finished: the input is left where the next read resumes); false past
     * the bound.
     */
    private boolean drainArrived() throws IOException {
        long start = in.consumed();
        byte[] skip = new byte[512];
        while (true) {
            int position = in.position();
            Runnable back = snapshot();
            try {
                if (next(skip, 0, skip.length) < 0) {
                    return true;
                }
            } catch (UpstreamInput.WouldWait e) {
                in.rewind(position);
                back.run();
                in.waitForMore();
                return true;
            }
            if (in.consumed() - start > MAX_DRAIN_BYTES) {
                return false;
            }
        }
    }

    /** On its own virtual thread: the rest of the framing within {@link #MAX_DRAIN_WAIT}, no body bytes. */
    private void drainWaiting() {
        try {
            connection.readsUntil(System.nanoTime() + MAX_DRAIN_WAIT.toNanos());
            byte[] skip = new byte[1];
            int n = next(skip, 0, 1);
            if (n >= 0) {
                abort();
            }
        } catch (IOException | RuntimeException e) {
            abort();
        }
    }

    static final class Sized extends UpstreamBody {
        private long remaining;

        Sized(UpstreamConnection connection, ConnectionPool pool, boolean keepAlive, long length) {
            super(connection, pool, keepAlive);
            this.remaining = length;
            if (length == 0) {
                end();
            }
        }

        @Override
        Runnable snapshot() {
            long at = remaining;
            return () -> remaining = at;
        }

        @Override
        int next(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                end();
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("the upstream closed the connection with " + remaining + " body bytes missing");
            }
            remaining -= n;
            if (remaining == 0) {
                end();
            }
            return n;
        }
    }

    static final class Chunked extends UpstreamBody {
        private long chunkLeft;
        private boolean afterChunk;

        Chunked(UpstreamConnection connection, ConnectionPool pool, boolean keepAlive) {
            super(connection, pool, keepAlive);
        }

        @Override
        Runnable snapshot() {
            long left = chunkLeft;
            boolean after = afterChunk;
            return () -> {
                chunkLeft = left;
                afterChunk = after;
            };
        }

        @Override
        int next(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (chunkLeft == 0) {
                if (afterChunk) {
                    String crlf = in.readLine(2);
                    if (crlf == null || !crlf.isEmpty()) {
                        throw new UpstreamProtocolException("a chunk of the upstream's answer is not followed by CR LF");
                    }
                }
                chunkLeft = chunkSize();
                afterChunk = true;
                if (chunkLeft == 0) {
                    skipTrailers();
                    end();
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("the upstream closed the connection inside a chunk");
            }
            chunkLeft -= n;
            return n;
        }

        /** A chunk-size line: 1 to 15 hex digits, then nothing or extensions (ignored) after optional blanks. */
        private long chunkSize() throws IOException {
            String line = in.readLine(MAX_CHUNK_LINE_BYTES);
            if (line == null) {
                throw new EOFException("the upstream closed the connection before the next chunk");
            }
            int digits = 0;
            long size = 0;
            while (digits < line.length() && Character.digit(line.charAt(digits), 16) >= 0 && line.charAt(digits) < 128) {
                size = size * 16 + Character.digit(line.charAt(digits), 16);
                digits++;
                if (digits > 15) {
                    throw badSize();
                }
            }
            int rest = digits;
            while (rest < line.length() && (line.charAt(rest) == ' ' || line.charAt(rest) == '\t')) {
                rest++;
            }
            if (digits == 0 || (rest < line.length() && line.charAt(rest) != ';')) {
                throw badSize();
            }
            return size;
        }

        private static UpstreamProtocolException badSize() {
            return new UpstreamProtocolException("an invalid chunk size in the upstream's answer");
        }

        private void skipTrailers() throws IOException {
            int budget = ResponseHead.MAX_HEAD_BYTES;
            for (int lines = 0; ; lines++) {
                String line = in.readLine(budget);
                if (line == null) {
                    throw new EOFException("the upstream closed the connection inside the trailers");
                }
                if (line.isEmpty()) {
                    return;
                }
                if (lines == ResponseHead.MAX_HEADERS) {
                    throw new UpstreamProtocolException("more than " + ResponseHead.MAX_HEADERS + " trailers");
                }
                budget -= line.length() + 2;
            }
        }
    }

    static final class UntilClose extends UpstreamBody {
        UntilClose(UpstreamConnection connection, ConnectionPool pool) {
            super(connection, pool, false);
        }

        @Override
        Runnable snapshot() {
            return () -> { };
        }

        @Override
        int next(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                end();
            }
            return n;
        }
    }
}
