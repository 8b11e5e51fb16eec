package io.modelbridge.loadgen;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The fake upstream's buffered reader of HTTP/1.1 request heads and bodies over a socket (the floor of the
 * benchmark must cost as little as possible). Bodies are handed to a {@link Sink} straight from the buffer.
 */
final class HttpInput {
    private static final int MAX_LINE = 16 * 1024;
    private final InputStream in;
    private final byte[] buf;
    private final StringBuilder line = new StringBuilder(128);
    private int pos;
    private int lim;

    /** Receives body bytes as they arrive; {@code nanos} is when the read that brought them returned. */
    interface Sink {
        void accept(byte[] bytes, int offset, int length, long nanos);
    }

    HttpInput(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /** One line without its CR LF, as ASCII; null when the peer closed before sending any byte of it. */
    String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            if (pos == lim && !fill()) {
                if (line.isEmpty()) {
                    return null;
                }
                throw new EOFException("connection closed in the middle of a line");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("header line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) (b & 0xff));
        }
    }

    /** Gives up to {@code max} bytes to the sink (at least one, waiting for them); -1 at end of stream. */
    int transfer(long max, Sink sink) throws IOException {
        long arrived = System.nanoTime();
        if (pos == lim) {
            if (!fill()) {
                return -1;
            }
            arrived = System.nanoTime();
        }
        int n = (int) Math.min(max, lim - pos);
        sink.accept(buf, pos, n, arrived);
        pos += n;
        return n;
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }
}
