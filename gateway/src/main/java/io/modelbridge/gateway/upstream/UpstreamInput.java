package io.modelbridge.gateway.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A connection's buffered input: CRLF-terminated lines of bounded length, then body bytes. */
final class UpstreamInput {
    private static final int BUFFER = 8 * 1024;
    private final InputStream in;
    private final byte[] buf = new byte[BUFFER];
    private byte[] partial = new byte[256];
    private int pos;
    private int lim;
    private long received;
    /** Set while a drain looks only at what has already arrived: a read that would wait throws {@link WouldWait}. */
    private boolean noWait;

    UpstreamInput(InputStream in) {
        this.in = in;
    }

    /**
     * The next line without its CR LF, as ISO-8859-1 text; null when the connection ended before any byte of it.
     *
     * @param limit the most bytes the line may take, its CR LF included
     */
    String readLine(int limit) throws IOException {
        int partialLength = 0;
        while (true) {
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    int length = partialLength + i - pos + 1;
                    if (length > limit) {
                        throw tooLong(limit);
                    }
                    String line;
                    if (partialLength == 0) {
                        line = withoutCrLf(buf, pos, i - pos);
                    } else {
                        partialLength = append(partialLength, pos, i - pos);
                        line = withoutCrLf(partial, 0, partialLength);
                    }
                    pos = i + 1;
                    return line;
                }
            }
            if (partialLength + lim - pos >= limit) {
                throw tooLong(limit);
            }
            if (lim > pos) {
                partialLength = append(partialLength, pos, lim - pos);
                pos = lim;
            }
            if (!fill()) {
                if (partialLength == 0) {
                    return null;
                }
                throw new EOFException("the upstream closed the connection in the middle of a line");
            }
        }
    }

    /** Up to {@code length} body bytes (at least one, waiting for them); -1 at the end of the connection. */
    int read(byte[] b, int off, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (pos == lim) {
            if (noWait) {
                throw new WouldWait();
            }
            if (length >= buf.length) {
                int n = in.read(b, off, length);
                if (n > 0) {
                    received += n;
                }
                return n;
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(length, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** A new answer is expected: {@link #received()} counts from here. */
    void startAnswer() {
        received = 0;
    }

    /** Bytes taken from the socket since {@link #startAnswer()}: 0 means no byte of the answer has arrived. */
    long received() {
        return received;
    }

    /** Bytes read from the socket but not yet consumed: any left after an answer is a peer that sent too much. */
    int buffered() {
        return lim - pos;
    }

    /**
     * Moves what is unread to the buffer's start and adds what the socket has already received (its
     * {@code available()}: no read here waits); from now on a read that needs more throws {@link WouldWait}, so that
     * {@link #position()} and {@link #rewind} can take the input back to where a drain stopped.
     */
    void takeArrived() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int ready;
        while (lim < buf.length && (ready = in.available()) > 0) {
            int n = in.read(buf, lim, Math.min(ready, buf.length - lim));
            if (n <= 0) {
                break;
            }
            received += n;
            lim += n;
        }
        noWait = true;
    }

    /** Reads wait for the socket again (after {@link #takeArrived}). */
    void waitForMore() {
        noWait = false;
    }

    int position() {
        return pos;
    }

    /** Back to an earlier {@link #position()}; only valid while no read has refilled the buffer since. */
    void rewind(int position) {
        pos = position;
    }

    /** Bytes consumed since {@link #startAnswer()}: taken from the socket and read out of the buffer. */
    long consumed() {
        return received - (lim - pos);
    }

    private boolean fill() throws IOException {
        if (noWait) {
            throw new WouldWait();
        }
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        received += n;
        pos = 0;
        lim = n;
        return true;
    }

    private int append(int partialLength, int from, int length) {
        if (partialLength + length > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
        }
        System.arraycopy(buf, from, partial, partialLength, length);
        return partialLength + length;
    }

    private static String withoutCrLf(byte[] bytes, int off, int length) throws UpstreamProtocolException {
        if (length == 0 || bytes[off + length - 1] != '\r') {
            throw new UpstreamProtocolException("a line of the upstream's answer ends without CR LF");
        }
        return new String(bytes, off, length - 1, StandardCharsets.ISO_8859_1);
    }

    private static UpstreamProtocolException tooLong(int limit) {
        return new UpstreamProtocolException("a line of the upstream's answer is over the " + limit + "-byte bound");
    }

    /** A read in {@link #takeArrived} mode that would have to wait for the socket. */
    static final class WouldWait extends IOException {
        private static final long serialVersionUID = 1L;

        WouldWait() {
            super("no more bytes have arrived yet", null);
        }

        @Override
        public Throwable fillInStackTrace() {
            return this; // an expected outcome, not an error: no stack trace to build
        }
    }
}
