package io.modelbridge.gateway.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An answer's body as it arrives: sized, chunked or until the connection closes. Read to its end, it hands a
 * keep-alive connection back to the pool; cut short ({@link #abort}, a failed read), the connection is closed, never
 * reused. Whichever comes first decides, once.
 */
abstract sealed class UpstreamBody extends InputStream {
    static final int MAX_CHUNK_LINE_BYTES = 1024;
    private final UpstreamConnection connection;
    private final ConnectionPool pool;
    private final boolean keepAlive;
    private final AtomicBoolean finished = new AtomicBoolean();
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

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        if (finished.get()) {
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
            if (keepAlive && in.buffered() == 0) {
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

    @Override
    public final void close() {
        abort();
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
        int next(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                end();
            }
            return n;
        }
    }
}
